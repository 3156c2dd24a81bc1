package domain

// Aggregati are the counts the statistics are drawn from, kept up to date
// by the store in the transactions that submit and decide requests, so that
// drawing them reads counters, not requests.
type Aggregati struct {
	PerStato    map[Stato]int
	PerPercorso map[Percorso]int
	PerProfilo  map[Profilo]int
	PerSede     map[string]int
	Totale      int
	// Mesi are the requests by month of submission ("2026-03"), each by
	// the state it is in now, oldest month first.
	Mesi []AggregatoMese
	// Tempi counts the decisions by time from submission, in the buckets
	// of BucketTempo.
	Tempi []int
	// InAttesa are the oldest open requests submitted before the threshold,
	// oldest first, as many as asked; NumeroInAttesa counts them all.
	InAttesa       []RigaCoda
	NumeroInAttesa int
}

// AggregatoMese is one month of Aggregati.Mesi.
type AggregatoMese struct {
	Mese     string
	PerStato map[Stato]int
}
