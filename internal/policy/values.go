package policy

import (
	"cmp"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// valueSet is the policy's values for one condition key, read at Parse.
type valueSet interface {
	// matchesAny reports whether one request value matches any of the
	// policy's values under the operator's own (positive) comparison.
	matchesAny(value string, context map[string][]string) bool
}

// parseValues reads the values of an operator other than Null. Only the
// String and Arn operators take policy variables, as in AWS.
func parseValues(op operator, values []string, variables bool) (valueSet, error) {
	switch op.family {
	case stringExact, stringIgnoreCase, stringLike:
		s := stringValues{ignoreCase: op.family == stringIgnoreCase, like: op.family == stringLike}
		for _, v := range values {
			s.patterns = append(s.patterns, compilePattern(v, s.like, variables))
		}
		return s, nil
	case arnLike:
		var a arnValues
		for _, v := range values {
			a = append(a, compilePattern(v, true, variables))
		}
		return a, nil
	case numeric:
		n := numericValues{cmp: op.cmp}
		for _, v := range values {
			f, ok := parseNumber(v)
			if !ok {
				return nil, malformed("Invalid number in condition: " + v)
			}
			n.numbers = append(n.numbers, f)
		}
		return n, nil
	case date:
		d := dateValues{cmp: op.cmp}
		for _, v := range values {
			t, ok := parseDate(v)
			if !ok {
				return nil, malformed("Invalid date in condition: " + v)
			}
			d.times = append(d.times, t)
		}
		return d, nil
	case boolean:
		b, err := parseBools(values)
		return boolValues(b), err
	case binary:
		return binaryValues(values), nil
	case ipAddress:
		var ips ipValues
		for _, v := range values {
			p, ok := parsePrefix(v)
			if !ok {
				return nil, malformed("Invalid IP address or CIDR in condition: " + v)
			}
			ips = append(ips, p)
		}
		return ips, nil
	}
	return nil, malformed(msgSyntax)
}

type stringValues struct {
	patterns   []pattern
	ignoreCase bool
	like       bool // wildcards * and ?, case-sensitive
}

func (s stringValues) matchesAny(value string, context map[string][]string) bool {
	for i := range s.patterns {
		p := &s.patterns[i]
		if s.like {
			if glob, ok := p.expand(context); ok && globMatch(glob, value) {
				return true
			}
			continue
		}
		text, ok := p.resolveText(context)
		if ok && (text == value || (s.ignoreCase && strings.EqualFold(text, value))) {
			return true
		}
	}
	return false
}

type arnValues []pattern

func (a arnValues) matchesAny(value string, context map[string][]string) bool {
	for i := range a {
		if glob, ok := a[i].expand(context); ok && arnMatch(glob, value) {
			return true
		}
	}
	return false
}

type numericValues struct {
	numbers []float64
	cmp     comparison
}

func (n numericValues) matchesAny(value string, _ map[string][]string) bool {
	got, ok := parseNumber(value)
	if !ok {
		return false
	}
	for _, want := range n.numbers {
		if compares(n.cmp, cmp.Compare(got, want)) {
			return true
		}
	}
	return false
}

type dateValues struct {
	times []time.Time
	cmp   comparison
}

func (d dateValues) matchesAny(value string, _ map[string][]string) bool {
	got, ok := parseDate(value)
	if !ok {
		return false
	}
	for _, want := range d.times {
		if compares(d.cmp, got.Compare(want)) {
			return true
		}
	}
	return false
}

type boolValues []bool

func (b boolValues) matchesAny(value string, _ map[string][]string) bool {
	got, ok := parseBool(value)
	if !ok {
		return false
	}
	for _, want := range b {
		if got == want {
			return true
		}
	}
	return false
}

// binaryValues are base64 text, compared as text.
type binaryValues []string

func (b binaryValues) matchesAny(value string, _ map[string][]string) bool {
	for _, want := range b {
		if value == want {
			return true
		}
	}
	return false
}

type ipValues []netip.Prefix

func (ips ipValues) matchesAny(value string, _ map[string][]string) bool {
	addr, err := netip.ParseAddr(value)
	if err != nil {
		return false
	}
	addr = addr.Unmap().WithZone("")
	for _, p := range ips {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// compares reports whether order (as from cmp.Compare(got, want)) satisfies c.
func compares(c comparison, order int) bool {
	switch c {
	case equal:
		return order == 0
	case less:
		return order < 0
	case lessOrEqual:
		return order <= 0
	case greater:
		return order > 0
	case greaterOrEqual:
		return order >= 0
	}
	return false
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

func parseBools(values []string) ([]bool, error) {
	bools := make([]bool, 0, len(values))
	for _, v := range values {
		b, ok := parseBool(v)
		if !ok {
			return nil, malformed("Invalid boolean in condition: " + v)
		}
		bools = append(bools, b)
	}
	return bools, nil
}

// parseDate reads the W3C profile of ISO 8601 or epoch seconds. Digits
// alone are epoch seconds: AWS's aws:EpochTime key compares against them,
// and a bare year in a date condition is more likely a mistake than meant.
func parseDate(s string) (time.Time, bool) {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		seconds, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(seconds, 0).UTC(), true
	}
	for _, layout := range [...]string{
		time.RFC3339, // fractional seconds are accepted when parsing
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05", // no zone: UTC
		"2006-01-02T15:04",
		time.DateOnly,
		"2006-01",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parsePrefix reads a CIDR block or a single address (a block of one).
func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		// An IPv4 block written in IPv6 form (::ffff:10.0.0.0/104) holds
		// the IPv4 addresses, which requests carry unmapped.
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	return netip.PrefixFrom(addr, addr.BitLen()), true
}
