package value

import (
	"testing"
	"time"
	"unsafe"
)

// TestValueSize: the executor keeps rows of Values; keep them 32 bytes.
func TestValueSize(t *testing.T) {
	if n := unsafe.Sizeof(Value{}); n != 32 {
		t.Errorf("Value is %d bytes", n)
	}
}

func TestTimeAccessors(t *testing.T) {
	at := time.Date(2026, 12, 3, 17, 1, 2, 123e6, time.UTC)
	if got := TimestampOf(at).Time(); !got.Equal(at) {
		t.Errorf("timestamp %v", got)
	}
	if got := NewDate(DaysFromCivil(2026, 12, 3)).Time(); !got.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v", got)
	}
	if !NewInteger(1).Time().IsZero() {
		t.Error("an INTEGER has no time")
	}
	if v := NewTime(-1); v.Int64() != msPerDay-1 {
		t.Errorf("NewTime(-1) = %d", v.Int64())
	}
}
