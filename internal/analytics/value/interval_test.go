package value

import (
	"errors"
	"testing"
)

func TestParseInterval(t *testing.T) {
	tests := []struct {
		text, q string
		want    string
		ms      int64
		err     error
	}{
		{"1", "MINUTE", "+1", 60_000, nil},
		{"60", "SECOND", "+60.000", 60_000, nil},
		{" 10 ", "SECOND", "+10.000", 10_000, nil},
		{"1.5", "SECOND", "+1.500", 1500, nil},
		{"1.23456", "SECOND", "+1.234", 1234, nil},
		{"-5", "MINUTE", "-5", -300_000, nil},
		{"+2", "HOUR", "+2", 7_200_000, nil},
		{"120", "SECOND", "", 0, ErrIntervalOverflow},
		{"120", "SECOND(3)", "+120.000", 120_000, nil},
		{"1 02:03:04.5", "DAY TO SECOND", "+1 02:03:04.500", 93_784_500, nil},
		{"1 24:00:00", "DAY TO SECOND", "", 0, ErrIntervalOverflow},
		{"1 02", "DAY TO HOUR", "+1 02", 93_600_000, nil},
		{"1 02:03", "DAY TO MINUTE", "+1 02:03", 93_780_000, nil},
		{"2:30", "HOUR TO MINUTE", "+2:30", 9_000_000, nil},
		{"2:30:01", "HOUR TO SECOND", "+2:30:01.000", 9_001_000, nil},
		{"5:30", "MINUTE TO SECOND", "+5:30.000", 330_000, nil},
		{"5:60", "MINUTE TO SECOND", "", 0, ErrIntervalOverflow},
		{"3-06", "YEAR TO MONTH", "+3-06", 42, nil},
		{"3-12", "YEAR TO MONTH", "", 0, ErrIntervalOverflow},
		{"14", "MONTH", "+14", 14, nil},
		{"2", "YEAR", "+2", 24, nil},
		{"", "SECOND", "", 0, ErrInvalidCharacterValue},
		{"a", "SECOND", "", 0, ErrInvalidCharacterValue},
		{"1 2", "DAY", "", 0, ErrInvalidCharacterValue},
		{"1:2", "DAY TO HOUR", "", 0, ErrInvalidCharacterValue},
		{"1.", "SECOND", "", 0, ErrInvalidCharacterValue},
		{"1.5", "MINUTE", "", 0, ErrInvalidCharacterValue},
		{"9999999999", "DAY(10)", "+9999999999", 9999999999 * 86_400_000, nil},
		{"99999999999", "DAY(10)", "", 0, ErrIntervalOverflow},
	}
	for _, tt := range tests {
		ty := mustType(t, "INTERVAL "+tt.q)
		v, err := ParseInterval(tt.text, ty.Interval)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("INTERVAL '%s' %s = %v, %v; want %v", tt.text, tt.q, v, err, tt.err)
			}
			continue
		}
		if err != nil || v.String() != tt.want || v.Int64() != tt.ms {
			t.Errorf("INTERVAL '%s' %s = %v (%d), %v; want %s (%d)", tt.text, tt.q, v, v.Int64(), err, tt.want, tt.ms)
		}
	}
}
