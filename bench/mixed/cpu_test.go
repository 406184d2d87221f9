package main

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestProcCPU: the CPU read from /proc follows the CPU this process burns, as
// getrusage sees it (within the kernel's 10 ms ticks), on a busy machine too.
func TestProcCPU(t *testing.T) {
	before, err := procCPU(os.Getpid(), false)
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	ruBefore := rusageCPU()
	x := 0
	for rusageCPU()-ruBefore < 300*time.Millisecond {
		for i := 0; i < 100000; i++ {
			x += i * i
		}
	}
	_ = x
	after, err := procCPU(os.Getpid(), false)
	if err != nil {
		t.Fatal(err)
	}
	used, want := after-before, rusageCPU()-ruBefore
	if d := used - want; d < -50*time.Millisecond || d > 50*time.Millisecond {
		t.Fatalf("/proc says %v of CPU, getrusage %v", used, want)
	}
	withChildren, err := procCPU(os.Getppid(), true)
	if err != nil {
		t.Fatal(err)
	}
	// The parent (go test) counts this process among its live children.
	if withChildren < after {
		t.Fatalf("parent with children %v < this child alone %v", withChildren, after)
	}
}

func rusageCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestParsePIDs(t *testing.T) {
	got, err := parsePIDs(" 12, 34,,")
	if err != nil || len(got) != 2 || got[0] != 12 || got[1] != 34 {
		t.Fatalf("parsePIDs: %v %v", got, err)
	}
	if _, err := parsePIDs("12,x"); err == nil {
		t.Fatal("a bad pid was accepted")
	}
}
