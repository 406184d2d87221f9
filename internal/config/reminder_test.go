package config

import (
	"testing"
	"time"
)

// The reminder delay is a setting like the others: default 48h, the variable, then the
// flag; a delay that is not a positive duration is refused at start.
func TestReminderBeforeSetting(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	c, err := Parse("serve", nil, getenv, nil)
	if err != nil || c.ReminderBefore != 48*time.Hour {
		t.Fatalf("default: %v %v", c.ReminderBefore, err)
	}
	env["PARTICIPE_REMINDER_BEFORE"] = "72h"
	if c, err = Parse("serve", nil, getenv, nil); err != nil || c.ReminderBefore != 72*time.Hour {
		t.Errorf("env: %v %v", c.ReminderBefore, err)
	}
	if c, err = Parse("serve", []string{"--reminder-before", "24h"}, getenv, nil); err != nil || c.ReminderBefore != 24*time.Hour {
		t.Errorf("flag over env: %v %v", c.ReminderBefore, err)
	}
	for _, bad := range []string{"deux jours", "0s", "-1h"} {
		if _, err := Parse("serve", []string{"--reminder-before", bad}, getenv, nil); err == nil {
			t.Errorf("--reminder-before %q accepted", bad)
		}
	}
}
