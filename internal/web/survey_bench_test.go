package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestSurveySubmitHTTPThroughput posts complete workbook responses (the one-page form)
// through the whole handler chain from 64 goroutines for 5 s and logs acknowledged
// responses per second. Opt-in: PARTICIPE_BENCH=1 (CPU profile with -cpuprofile).
func TestSurveySubmitHTTPThroughput(t *testing.T) {
	if os.Getenv("PARTICIPE_BENCH") == "" {
		t.Skip("PARTICIPE_BENCH not set")
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		form, _ := url.ParseQuery("complete=1&q.type_organisation=communautaire&q.nom_organisme=Centre+Ahuntsic&q.perception=4&q.consultation_souhait=non&q.copie_notes=non&q.mesure_1=Un+guichet+unique&q.modes_preferes=internet&q.modes_preferes=telephone&q.avant_internet_org=Nos+notes&q.satisfaction=4")
		var ok, bad atomic.Int64
		cpu0 := cpuNow()
		deadline := time.Now().Add(5 * time.Second)
		var wg sync.WaitGroup
		for w := 0; w < 64; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					f := url.Values{}
					for k, v := range form {
						f[k] = v
					}
					b := make([]byte, 12)
					_, _ = rand.Read(b)
					f.Set("idem", hex.EncodeToString(b))
					req := httptest.NewRequest(http.MethodPost, wbBase+"/envoyer", strings.NewReader(f.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					rec := httptest.NewRecorder()
					ts.ServeHTTP(rec, req)
					if rec.Code == http.StatusSeeOther {
						ok.Add(1)
					} else {
						bad.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		t.Logf("%s: %d responses acknowledged in 5 s = %.0f/s (%d other statuses); process CPU %.2f ms per response", d.Engine, ok.Load(), float64(ok.Load())/5, bad.Load(), float64((cpuNow()-cpu0).Microseconds())/1000/float64(max(ok.Load(), 1)))
		if ok.Load() == 0 {
			t.Fatal("nothing acknowledged")
		}
	})
}

// BenchmarkSurveySubmitHTTP posts complete workbook responses one after the other through
// the whole handler chain on SQLite and reports the process CPU per response (cpu-µs/op;
// wall time on a shared machine says little). Each response is its own group commit
// here, so the figure includes one commit and fsync per response: compare versions of
// the code with it, not with the concurrent figure.
//
//	go test ./internal/web -run X -bench SurveySubmitHTTP -benchtime 1000x
func BenchmarkSurveySubmitHTTP(b *testing.B) {
	ts := newTestServer(b, dbtest.SQLite(b))
	ts.loadDemo()
	form, _ := url.ParseQuery("complete=1&q.type_organisation=communautaire&q.nom_organisme=Centre+Ahuntsic&q.perception=4&q.consultation_souhait=non&q.copie_notes=non&q.mesure_1=Un+guichet+unique&q.modes_preferes=internet&q.modes_preferes=telephone&q.avant_internet_org=Nos+notes&q.satisfaction=4")
	bodies := make([]string, b.N)
	for i := range bodies {
		form.Set("idem", fmt.Sprintf("bench-%012d", i))
		bodies[i] = form.Encode()
	}
	b.ResetTimer()
	cpu0 := cpuNow()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, wbBase+"/envoyer", strings.NewReader(bodies[i]))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		ts.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}
