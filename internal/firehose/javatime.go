package firehose

import (
	"fmt"
	"sluice/internal/firehose/javapattern"
	"strconv"
	"strings"
	"time"
)

// javaLayout is a compiled pattern of Java's DateTimeFormatter, the language
// of `!{timestamp:...}` in Firehose prefixes. Go's layouts do not map onto
// it one to one (they are reference dates, not letter counts), hence this
// small formatter. It covers the letters that make sense in an S3 key:
// y/u (year), M/L (month), d (day of month), D (day of year), H, k, K, h
// (hours), m, s, S (fraction), a (AM/PM), E (day name). Text in single
// quotes is literal, and two single quotes in a row are one. Other ASCII
// letters are reserved by Java and refused, as AWS refuses the prefix.
type javaLayout []javaPart

type javaPart struct {
	letter byte // 0: literal
	count  int
	text   string
}

func compileJava(pattern string) (javaLayout, error) {
	var out javaLayout
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			text, next, err := javapattern.Quoted(pattern, i)
			if err != nil {
				return nil, err
			}
			out = append(out, javaPart{text: text})
			i = next
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			n := j - i
			if !strings.ContainsRune("yuMLdDHkKhmsSaE", rune(c)) || n > 9 {
				return nil, fmt.Errorf("unsupported pattern letter %q in %q", strings.Repeat(string(c), n), pattern)
			}
			out = append(out, javaPart{letter: c, count: n})
			i = j
		case c == '[' || c == ']' || c == '#' || c == '{' || c == '}':
			return nil, fmt.Errorf("reserved character %q in %q", c, pattern)
		default:
			out = append(out, javaPart{text: string(c)})
			i++
		}
	}
	return out, nil
}

func (l javaLayout) format(t time.Time) string {
	var b []byte
	num := func(v, width int) { b = appendPadded(b, v, width) }
	for _, p := range l {
		switch p.letter {
		case 0:
			b = append(b, p.text...)
		case 'y', 'u':
			if p.count == 2 {
				num(t.Year()%100, 2)
			} else {
				num(t.Year(), p.count)
			}
		case 'M', 'L':
			switch {
			case p.count >= 4:
				b = append(b, t.Month().String()...)
			case p.count == 3:
				b = append(b, t.Month().String()[:3]...)
			default:
				num(int(t.Month()), p.count)
			}
		case 'd':
			num(t.Day(), p.count)
		case 'D':
			num(t.YearDay(), p.count)
		case 'H':
			num(t.Hour(), p.count)
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			num(h, p.count)
		case 'K':
			num(t.Hour()%12, p.count)
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			num(h, p.count)
		case 'm':
			num(t.Minute(), p.count)
		case 's':
			num(t.Second(), p.count)
		case 'S':
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			b = append(b, frac[:min(p.count, 9)]...)
		case 'a':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'E':
			if p.count >= 4 {
				b = append(b, t.Weekday().String()...)
			} else {
				b = append(b, t.Weekday().String()[:3]...)
			}
		}
	}
	return string(b)
}

func appendPadded(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
