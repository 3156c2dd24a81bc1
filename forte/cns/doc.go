// Package cns signs people in with the authentication certificate of their
// Carta Nazionale dei Servizi (or of another smart card with the same
// certificate profile): it verifies the certificate a browser presents over
// TLS and reads from it the holder's codice fiscale.
//
// A Verificatore holds the CA bundle of the authorities that issue the cards
// and a clock. Verifica checks a chain at the clock's time: validity dates,
// a path to one of the bundle's authorities (any certificate of the bundle,
// root or intermediate, is a trust anchor; the intermediates come from the
// rest of the chain the client sent), the extended key usage (clientAuth,
// anyExtendedKeyUsage or none at all, which RFC 5280 reads as any) and the
// key usage digitalSignature, which the CNS profile sets on the
// authentication certificate and not on the others. The codice fiscale comes
// from the subject: the CNS common name "CODICEFISCALE/serial.hash", or a
// serialNumber "TINIT-CODICEFISCALE" (ETSI EN 319 412-1); when both are there
// they must agree. It is checked by cf.Parse (check character, omocodia).
// Every refusal is an *Errore whose message is an Italian sentence for the
// user; errors.Is tells the reasons apart (ErrScaduto, ErrNonFidato, …).
//
// # Serving
//
// A TLS server asks for client certificates during the handshake, for the
// whole connection, before it knows the path: TLS 1.3 has no renegotiation
// and Go's server none at all, and neither nginx nor Go can ask for a
// certificate on one route only. Asking on every page would open the
// browser's certificate chooser everywhere. So the sign-in has its own
// listener (--cns-addr), with the same server certificate, whose TLS
// configuration (Verificatore.ConfigTLS) requests a certificate with
// tls.RequestClientCert, and lists the bundle's authorities so that the
// browser offers only the cards. The handshake accepts any certificate, or
// none: Verifica decides afterwards, so that a card that is missing,
// expired or unknown gets an Italian sentence on a page, not a TLS alert
// the browser shows as a network error. That listener serves only Percorso
// and the static files; any other address is sent to the public address.
// Cookies do not depend on the port, so the sign-in can set the session
// and end with a redirect to the main site.
//
// Behind a reverse proxy that terminates TLS, the proxy asks for the
// certificate on its own server block (nginx: ssl_verify_client
// optional_no_ca) and passes it in a header (proxy_set_header X-Client-Cert
// $ssl_client_escaped_cert), which DaIntestazione reads. Certificati takes
// the certificate from the connection or, only for a request a trusted
// proxy forwarded, from that header: a header from anyone else is ignored,
// since any client can write it. The chain is verified here all the same.
//
// A handler of the sign-in route does:
//
//	catena, err := cns.Certificati(c.Context().TLSConnectionState(), c.Get(cfg.CNSHeader), c.IsProxyTrusted())
//	if err == nil {
//		id, err = verificatore.Verifica(catena)
//	}
//
// and shows err.Error() to the user when it is an *Errore.
package cns
