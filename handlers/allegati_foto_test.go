package handlers_test

import (
	"net/http"
	"testing"

	"abilita/domain"
	"abilita/internal/testapp"
)

// Each upload offers the phone's camera beside the file chooser: two inputs
// of one field. The one left empty is sent as a part with no file name and
// is ignored, whichever comes first.
func TestAllegatoDaFotocamera(t *testing.T) {
	t.Parallel()
	app := testapp.Start(t)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	controlla(t, v.get(urlPasso(id, domain.PassoAllegati)), http.StatusOK, "",
		[]string{`id="documento_fronte-foto" name="documento_fronte" accept="image/jpeg,image/png" capture="environment"`, "oppure scatta una foto"}, nil)

	vuoto := func(campo string) parte { return parte{Campo: campo, Tipo: "application/octet-stream"} }
	foto := parte{Campo: "documento_fronte", File: "image.jpg", Tipo: "image/jpeg", Dati: jpegPiccolo(t)}
	vuole(t, v.carica(id, vuoto("documento_fronte"), foto), http.StatusSeeOther, urlPasso(id, domain.PassoAllegati))
	primo := mustRichiesta(t, app, id).Allegati[domain.AllegatoDocumentoFronte]
	if primo.NomeOriginale != "image.jpg" || primo.Tipo != "image/jpeg" {
		t.Fatalf("the photo after an empty file chooser: %+v", primo)
	}
	retro := parte{Campo: "documento_retro", File: "retro.png", Tipo: "image/png", Dati: pngPiccolo(t)}
	vuole(t, v.carica(id, retro, vuoto("documento_retro")), http.StatusSeeOther, urlPasso(id, domain.PassoAllegati))
	r := mustRichiesta(t, app, id)
	if r.Allegati[domain.AllegatoDocumentoRetro].NomeOriginale != "retro.png" || r.Allegati[domain.AllegatoDocumentoFronte].ID != primo.ID {
		t.Fatalf("the file before an empty camera input: %+v", r.Allegati)
	}
}
