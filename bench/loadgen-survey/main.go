// Command loadgen-survey measures durable survey responses per second through the real
// HTTP endpoint: C connections each POST complete responses (the one-page form:
// complete=1, a fresh idem key, every answer) to …/envoyer as fast as the server
// acknowledges them (303 to the confirmation page = committed and fsynced). It prints
// responses/s and latency percentiles; with -pid, the server process's CPU time (user +
// system, from /proc/PID/stat) per acknowledged response, the figure that carries from a
// busy shared machine to a quiet one.
//
//	go run ./bench/loadgen-survey -url http://127.0.0.1:8097/initiatives/SLUG/questionnaires/satisfaction -c 64 -d 10s \
//	    -form 'q.overall=4&q.informed=5&q.heard=3&q.again=yes&q.comment=Plus+de+soirées'
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "", "public base path of the survey, e.g. http://127.0.0.1:8097/initiatives/x/questionnaire")
	conns := flag.Int("c", 64, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	formArg := flag.String("form", "", "answers, URL-encoded (q.key=value&…)")
	pid := flag.Int("pid", 0, "server process id: report its CPU time per acknowledged response (Linux)")
	flag.Parse()
	if *base == "" || *formArg == "" {
		flag.Usage()
		os.Exit(2)
	}
	answers, err := url.ParseQuery(*formArg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad -form:", err)
		os.Exit(2)
	}
	answers.Set("complete", "1")
	tr := &http.Transport{MaxIdleConns: *conns, MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	target := strings.TrimRight(*base, "/") + "/envoyer"

	cpu0, cpuErr := procCPU(*pid)
	var mu sync.Mutex
	var lat []time.Duration
	codes := map[int]int{}
	errs := 0
	deadline := time.Now().Add(*dur)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			myCodes := map[int]int{}
			myErrs := 0
			for time.Now().Before(deadline) {
				f := url.Values{}
				for k, v := range answers {
					f[k] = v
				}
				b := make([]byte, 12)
				_, _ = rand.Read(b)
				f.Set("idem", hex.EncodeToString(b))
				t0 := time.Now()
				res, err := client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
				if err != nil {
					myErrs++
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				myCodes[res.StatusCode]++
				if res.StatusCode == http.StatusSeeOther {
					mine = append(mine, time.Since(t0))
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range myCodes {
				codes[k] += v
			}
			errs += myErrs
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpu1, cpuErr1 := procCPU(*pid)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))].Round(100 * time.Microsecond)
	}
	fmt.Printf("%d connections, %s: %d responses acknowledged (303) = %.0f responses/s; p50 %s p95 %s p99 %s; status %v; transport errors %d\n",
		*conns, el.Round(time.Millisecond), len(lat), float64(len(lat))/el.Seconds(), pct(.5), pct(.95), pct(.99), codes, errs)
	if *pid > 0 {
		if cpuErr != nil || cpuErr1 != nil {
			fmt.Fprintln(os.Stderr, "server CPU:", cpuErr, cpuErr1)
		} else {
			cpu := cpu1 - cpu0
			fmt.Printf("server process %d: %.2f s CPU = %.3f ms per acknowledged response (%.2f cores busy)\n",
				*pid, cpu.Seconds(), float64(cpu.Microseconds())/1000/float64(max(len(lat), 1)), cpu.Seconds()/el.Seconds())
		}
	}
}

// procCPU is the user + system CPU time of a process so far, from /proc/PID/stat (fields
// 14 and 15, in clock ticks of 1/100 s on Linux).
func procCPU(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces: count from after it.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}
