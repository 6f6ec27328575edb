package awsproto_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
)

func budgetHandler(budget *awsproto.Budget, timeout time.Duration) http.Handler {
	echo := awsproto.Op("Describe", shape.Struct(shape.Req("Name", shape.Str())), func(_ context.Context, in *struct{ Name string }) (*struct{ Name string }, error) {
		return &struct{ Name string }{in.Name}, nil
	})
	return awsproto.NewHandler(awsproto.HandlerOptions{
		Auth: &awsproto.OpenAuth{AccountID: "000000000000"}, Budget: budget, BodyTimeout: timeout,
	}, awsproto.NewService("Test_20200101", "kinesis", echo))
}

// TestBodyWaitsForBudget: a body that does not fit waits for room, and is
// read once another request's room is given back.
func TestBodyWaitsForBudget(t *testing.T) {
	budget := awsproto.NewBudget(1 << 20)
	h := budgetHandler(budget, time.Minute)
	held, _ := budget.TryAcquire(1<<20 - 10)
	body := `{"Name":"waits"}`
	done := make(chan response)
	go func() {
		r, _ := serve(h, signedReq{op: "Describe", body: body}.build(t), body)
		done <- r
	}()
	select {
	case r := <-done:
		t.Fatalf("answered without room in the budget: %d %s", r.status, r.body)
	case <-time.After(50 * time.Millisecond):
	}
	budget.Release(held)
	wantJSON(t, <-done, 200, `{"Name":"waits"}`)
	if budget.Used() != 0 {
		t.Fatalf("%d bytes still reserved after the answer", budget.Used())
	}
}

// TestBodyBudgetExhausted: a body that finds no room before its deadline
// gets a 503 ServiceUnavailableException, which SDKs retry, unread.
func TestBodyBudgetExhausted(t *testing.T) {
	budget := awsproto.NewBudget(1 << 20)
	h := budgetHandler(budget, 50*time.Millisecond)
	held, _ := budget.TryAcquire(1 << 20)
	defer budget.Release(held)
	body := `{"Name":"` + strings.Repeat("x", 100<<10) + `"}`
	r, read := serve(h, signedReq{op: "Describe", body: body}.build(t), body)
	wantJSON(t, r, 503, `{"__type":"ServiceUnavailableException","message":"The service is busy reading other requests. Back off and retry the operation."}`)
	if read || r.header.Get("Connection") != "close" || rawHeader(r, "x-amzn-ErrorType") != "ServiceUnavailableException" {
		t.Fatalf("read %v, headers %v", read, r.header)
	}
}

// TestChunkedBodyBudget: a body of unknown length reserves as it grows and
// is refused when it outgrows the room left; past the size limit it is
// 413.
func TestChunkedBodyBudget(t *testing.T) {
	budget := awsproto.NewBudget(1 << 20)
	h := budgetHandler(budget, time.Minute)
	send := func(body string) *httptest.ResponseRecorder {
		req := signedReq{op: "Describe", body: body, chunked: true}.build(t)
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), -1
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	small := `{"Name":"` + strings.Repeat("s", 300<<10) + `"}`
	if w := send(small); w.Code != 200 {
		t.Fatalf("300 KiB chunked: %d %.100s", w.Code, w.Body.Bytes())
	}
	held, _ := budget.TryAcquire(700 << 10) // less room than the body and the buffer it grows into
	w := send(small)
	if w.Code != 503 || !strings.Contains(w.Body.String(), "ServiceUnavailableException") {
		t.Fatalf("chunked past the room left: %d %.100s", w.Code, w.Body.Bytes())
	}
	budget.Release(held)
	if budget.Used() != 0 {
		t.Fatalf("%d bytes still reserved", budget.Used())
	}
	big := `{"Name":"` + strings.Repeat("b", awsproto.DefaultMaxBodyBytes) + `"}`
	budget2 := awsproto.NewBudget(64 << 20)
	h = budgetHandler(budget2, time.Minute)
	if w := send(big); w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("Connection") != "close" {
		t.Fatalf("chunked over the limit: %d %v", w.Code, w.Header())
	}
	if budget2.Used() != 0 {
		t.Fatalf("%d bytes still reserved", budget2.Used())
	}
}

// TestBodyCutShort: a body that ends before its Content-Length aborts the
// connection; an empty 200 could pass for a success.
func TestBodyCutShort(t *testing.T) {
	srv := httptest.NewServer(budgetHandler(nil, time.Minute))
	defer srv.Close()
	body := `{"Name":"cut"}`
	req := signedReq{op: "Describe", body: body}.build(t)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	head.WriteString("POST / HTTP/1.1\r\nHost: " + req.Host + "\r\nContent-Length: 1000\r\n")
	for k, v := range req.Header {
		head.WriteString(k + ": " + v[0] + "\r\n")
	}
	head.WriteString("\r\n" + body)
	conn.Write([]byte(head.String()))
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, _ := io.ReadAll(conn)
	if len(got) != 0 {
		t.Fatalf("a body cut short was answered: %q", got)
	}
}

// TestStreamReleasesBody: a streaming operation, which may last minutes,
// does not keep its body's room in the budget.
func TestStreamReleasesBody(t *testing.T) {
	budget := awsproto.NewBudget(1 << 20)
	var used int64 = -1
	stream := awsproto.StreamOp("Subscribe", shape.Struct(shape.Req("Name", shape.Str())), func(_ context.Context, _ *struct{ Name string }, w awsproto.ResponseStream) error {
		used = budget.Used()
		w.WriteHeader(200)
		return nil
	})
	h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}, Budget: budget},
		awsproto.NewService("Test_20200101", "kinesis", stream))
	body := `{"Name":"` + strings.Repeat("s", 1000) + `"}`
	r, _ := serve(h, signedReq{op: "Subscribe", body: body}.build(t), body)
	if r.status != 200 || used != 0 {
		t.Fatalf("status %d, %d bytes reserved during the stream", r.status, used)
	}
}
