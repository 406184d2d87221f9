package config

import (
	"io"
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
