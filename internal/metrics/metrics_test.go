package metrics

import (
	"sync"
	"testing"
	"time"
)

func TestSeriesSumsPerMinuteAndKeepsMaxima(t *testing.T) {
	var s Series
	t0 := time.Date(2026, 11, 26, 10, 0, 5, 0, time.UTC)
	s.Add(t0, IncomingRecords, 3)
	s.Add(t0.Add(30*time.Second), IncomingRecords, 4)
	s.Max(t0, IteratorAgeMillis, 50)
	s.Max(t0.Add(10*time.Second), IteratorAgeMillis, 20)
	s.Add(t0.Add(2*time.Minute), IncomingRecords, 1)

	got := s.Range(t0.Add(2*time.Minute), 4)
	if len(got) != 4 {
		t.Fatalf("len = %d, want 4", len(got))
	}
	want := []struct {
		minute   time.Time
		in, ageM int64
	}{
		{t0.Truncate(time.Minute).Add(-time.Minute), 0, 0},
		{t0.Truncate(time.Minute), 7, 50},
		{t0.Truncate(time.Minute).Add(time.Minute), 0, 0},
		{t0.Truncate(time.Minute).Add(2 * time.Minute), 1, 0},
	}
	for i, w := range want {
		p := got[i]
		if !p.Minute.Equal(w.minute) || p.Values[IncomingRecords] != w.in || p.Values[IteratorAgeMillis] != w.ageM {
			t.Errorf("point %d = %v in=%d age=%d, want %v in=%d age=%d", i, p.Minute, p.Values[IncomingRecords], p.Values[IteratorAgeMillis], w.minute, w.in, w.ageM)
		}
	}
}

func TestSeriesForgetsMinutesOlderThanTheWindow(t *testing.T) {
	var s Series
	t0 := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for i := range Window + 10 {
		s.Add(t0.Add(time.Duration(i)*time.Minute), IncomingBytes, 1)
	}
	if len(s.buckets) != Window {
		t.Fatalf("kept %d buckets, want %d", len(s.buckets), Window)
	}
	now := t0.Add(time.Duration(Window+9) * time.Minute)
	var sum int64
	for _, p := range s.Range(now, Window+100) {
		sum += p.Values[IncomingBytes]
	}
	if sum != Window {
		t.Fatalf("sum over the window = %d, want %d", sum, Window)
	}
}

func TestSeriesClockSteppingBackCountsInTheNewestMinute(t *testing.T) {
	var s Series
	t0 := time.Date(2026, 11, 26, 0, 10, 0, 0, time.UTC)
	s.Add(t0, WriteThrottled, 1)
	s.Add(t0.Add(-5*time.Minute), WriteThrottled, 1)
	if got := s.Range(t0, 1)[0].Values[WriteThrottled]; got != 2 {
		t.Fatalf("throttled = %d, want 2", got)
	}
}

func TestSeriesConcurrentAdds(t *testing.T) {
	var s Series
	now := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				s.Add(now, GetRecordsRecords, 1)
			}
		})
	}
	wg.Wait()
	if got := s.Range(now, 1)[0].Values[GetRecordsRecords]; got != 8000 {
		t.Fatalf("records = %d, want 8000", got)
	}
}

func TestNames(t *testing.T) {
	if IteratorAgeMillis.String() != "GetRecords.IteratorAgeMilliseconds" || Name(200).String() != "unknown" {
		t.Fatal("names")
	}
	if len(Names()) != int(numNames) {
		t.Fatal("Names length")
	}
}
