package domain

import "time"

// Roma is the time zone of every date the Institute writes: protocol years,
// pages, e-mails and PDFs. The binary embeds the zone database (time/tzdata),
// so the fallback only serves builds without it.
var Roma = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()
