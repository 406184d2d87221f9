package config

import (
	"os"
	"strings"
	"testing"
)

// The README lists every setting, so operators can trust it.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		if !strings.Contains(string(readme), "`"+s.Env+"`") || !strings.Contains(string(readme), "`--"+s.Flag+"`") {
			t.Errorf("README.md does not list --%s / %s", s.Flag, s.Env)
		}
	}
}
