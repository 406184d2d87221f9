package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParsePrecedence(t *testing.T) {
	env := map[string]string{"PARTICIPE_ADDR": "127.0.0.1:9000", "PARTICIPE_SESSION_IDLE": "45m"}
	c, err := Parse("serve", []string{"--addr", "127.0.0.1:9001"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9001" {
		t.Errorf("flag should win: %s", c.Addr)
	}
	if c.SessionIdle != 45*time.Minute {
		t.Errorf("env should set idle: %v", c.SessionIdle)
	}
	if c.Database != "sqlite:./participe.db" {
		t.Errorf("default database: %s", c.Database)
	}
}

func TestParseRejectsBadValues(t *testing.T) {
	for _, args := range [][]string{{"--env", "prod"}, {"--max-in-flight", "x"}, {"--request-timeout", "soon"}, {"--base-url", "example.org"}} {
		if _, err := Parse("serve", args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v: want error", args)
		}
	}
}

// Every kind of typed setting reads its value and refuses a bad one, naming it.
func TestParseTypedSettings(t *testing.T) {
	none := func(string) string { return "" }
	c, err := Parse("serve", []string{"--max-body", "2048", "--read-conns", "3", "--trust-proxy", "true", "--session-idle", "5m"}, none, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxBodyBytes != 2048 || c.ReadConns != 3 || !c.TrustProxy || c.SessionIdle != 5*time.Minute {
		t.Errorf("typed settings: %d %d %v %v", c.MaxBodyBytes, c.ReadConns, c.TrustProxy, c.SessionIdle)
	}
	for _, bad := range [][]string{{"--max-body", "big"}, {"--read-conns", "2.5"}, {"--trust-proxy", "perhaps"}, {"--session-idle", "long"}} {
		_, err := Parse("serve", bad, none, io.Discard)
		if err == nil || !strings.Contains(err.Error(), `"`+bad[1]+`"`) {
			t.Errorf("%v: want an error naming the value, got %v", bad, err)
		}
	}
}
