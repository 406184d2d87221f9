package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the kernel's USER_HZ, the unit of the CPU times in /proc/<pid>/stat
// (100 on every Linux architecture Participe runs on).
const clockTick = 10 * time.Millisecond

// procCPU reads user + system CPU time of pid from /proc; with children it adds the CPU
// of its exited children (cutime, cstime) and of its live children: the PostgreSQL
// postmaster's backends.
func procCPU(pid int, children bool) (time.Duration, error) {
	f, _, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	total := f[0] + f[1]
	if !children {
		return total, nil
	}
	total += f[2] + f[3]
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		cf, parent, err := statFields(child)
		if err != nil || parent != pid {
			continue
		}
		total += cf[0] + cf[1]
	}
	return total, nil
}

// statFields returns utime, stime, cutime, cstime and the parent pid of pid.
func statFields(pid int) ([4]time.Duration, int, error) {
	var out [4]time.Duration
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return out, 0, err
	}
	// The command name (field 2) may hold spaces: parse after its closing parenthesis.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return out, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return out, 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	ppid, _ := strconv.Atoi(f[1])
	for k := 0; k < 4; k++ { // fields 14..17
		v, err := strconv.ParseInt(f[11+k], 10, 64)
		if err != nil {
			return out, 0, err
		}
		out[k] = time.Duration(v) * clockTick
	}
	return out, ppid, nil
}

// cpuMeter measures the CPU spent by the app processes (and PostgreSQL) during the
// measure, to report CPU time per request: the figure that holds on a shared machine.
type cpuMeter struct {
	pids  []int
	pgPID int
	app   time.Duration
	pg    time.Duration
}

func parsePIDs(list string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("pid %q: %w", p, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func (m *cpuMeter) read() (app, pg time.Duration) {
	for _, p := range m.pids {
		if c, err := procCPU(p, false); err == nil {
			app += c
		}
	}
	if m.pgPID > 0 {
		pg, _ = procCPU(m.pgPID, true)
	}
	return app, pg
}

func (m *cpuMeter) start() { m.app, m.pg = m.read() }

// stop returns the CPU spent since start.
func (m *cpuMeter) stop() (app, pg time.Duration) {
	a, p := m.read()
	return a - m.app, p - m.pg
}
