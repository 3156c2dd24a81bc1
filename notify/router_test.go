package notify

import (
	"abilita/domain"
	"context"
	"testing"
)

// recorder is a Sender that remembers whom it was asked to send to.
type recorder struct{ to []string }

func (r *recorder) Send(_ context.Context, m Message) error {
	r.to = append(r.to, m.To...)
	return nil
}

func TestRouter(t *testing.T) {
	tests := []struct {
		name      string
		withPEC   bool
		kind      domain.TipoMessaggio
		wantEmail bool
		wantPEC   bool
	}{
		{name: "e-mail", withPEC: true, kind: domain.MessaggioEmail, wantEmail: true},
		{name: "kind not set", withPEC: true, kind: "", wantEmail: true},
		{name: "PEC", withPEC: true, kind: domain.MessaggioPEC, wantPEC: true},
		{name: "PEC without a PEC relay", withPEC: false, kind: domain.MessaggioPEC, wantEmail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email, pec := &recorder{}, &recorder{}
			r := NewRouter(email, nil)
			if tt.withPEC {
				r = NewRouter(email, pec)
			}
			m := ricevuta("maria.rossi@example.it")
			m.Kind = tt.kind
			if err := r.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			if got := len(email.to) == 1; got != tt.wantEmail {
				t.Errorf("sent by e-mail: %v, want %v", got, tt.wantEmail)
			}
			if got := len(pec.to) == 1; got != tt.wantPEC {
				t.Errorf("sent by PEC: %v, want %v", got, tt.wantPEC)
			}
		})
	}
}

func TestRouterUnknownKind(t *testing.T) {
	email := &recorder{}
	m := ricevuta("maria.rossi@example.it")
	m.Kind = "sms"
	err := NewRouter(email, nil).Send(context.Background(), m)
	if err == nil || !Permanent(err) {
		t.Errorf("err = %v, want a permanent error", err)
	}
	if len(email.to) != 0 {
		t.Error("sent a message of unknown kind")
	}
}
