// Package cf implements the rules of the Italian codice fiscale of natural
// persons (DM 23/12/1976 and DPR 605/1973) and the lookups of birthplaces and
// comuni on the ANPR reference data embedded in data/.
//
// Parse checks a code on its own: length, pattern, omocodia, month, day,
// calendar date and check character. Verifica compares a parsed code with the
// data a person declares (surname, name, sex, birth date, birthplace code)
// and reports each mismatch as a Problema with an Italian message meant for
// the user, keyed by the form field it concerns.
//
// All dates are calendar days: only the year, month and day of a time.Time
// are used, in its own location, and the dates this package returns are
// midnight UTC. A zero date passed to a lookup means today.
//
// Deviations from the first sketch of this API, and choices worth knowing:
//
//   - TrovaComune returns ok when at least one comune matches; the caller
//     asks for the provincia when more than one does. When no comune has the
//     name on the date, it also tries the names a code had at other times
//     (ABANO TERME for someone born in ABANO in 1920, a current provincia for
//     a comune that belonged to another one on the date) and returns the
//     record valid on the date. A trailing "(MI)" in the name is read as the
//     provincia when none is given.
//   - CodiceFiscale.DataNascita returns the latest date on which the holder
//     is at least EtaMinima (18) years old on ref, since the people who apply
//     are adults: a code with 26 read in 2026 gives 1926, and a code of
//     someone born in December 2007 read in June 2025 gives 1907. A zero ref
//     means today.
//   - Luogo.Al is zero for places still valid; ANPR's 9999-12-31 is accepted
//     by ValidoIl too. Luogo.AltroNome carries the German, French or Slovenian
//     name of bilingual comuni (BOZEN), which the lookups match as well.
//   - Additions: Luogo.Etichetta ("Castro (LE)") for lists where names
//     repeat; the Campo constants naming the fields of a Problema; Motivo on
//     Errore.
//   - Parse accepts omocodia letters in any of the seven numeric positions,
//     not only from the right, since rejecting a code a person really holds
//     is worse than accepting an unusual one. Errors are *Errore values whose
//     Motivo tells the failed rule apart.
//   - Foreign states are those of the ANPR table of release V9.2.7, which has
//     only the states existing today and gives most territories no Z-code.
//     The states that no longer exist (Jugoslavia, URSS, Cecoslovacchia),
//     with their dates, and the territories (Isola di Man, Groenlandia, La
//     Riunione) come from python-codicefiscale, in data/altri_esteri.tsv; a
//     ceased state is accepted only for births while it existed.
//   - Foreign places are also found by their common names (Stati Uniti, USA,
//     Olanda, Russia, URSS), listed in aliasEsteri.
package cf
