// Package javapattern reads the pieces of Java's date and time patterns
// (java.time.format.DateTimeFormatter and Joda-Time's DateTimeFormat share
// them): quoted literal text and runs of one pattern letter. Firehose
// formats S3 prefixes with such patterns (!{timestamp:...}) and parses
// record timestamps with them (Hive JSON SerDe's TimestampFormats); each
// caller gives the letters their meaning.
package javapattern

import "fmt"

// Quoted reads the quoted literal that starts at pattern[i] (a quote):
// the text up to the next lone quote, where two quotes in a row stand for
// one quote, and two quotes with nothing between them are one quote.
// next is the index after the closing quote.
func Quoted(pattern string, i int) (text string, next int, err error) {
	var b []byte
	j := i + 1
	for {
		if j >= len(pattern) {
			return "", 0, fmt.Errorf("pattern %q has an unterminated quote", pattern)
		}
		if pattern[j] == '\'' {
			if j+1 < len(pattern) && pattern[j+1] == '\'' {
				b = append(b, '\'')
				j += 2
				continue
			}
			break
		}
		b = append(b, pattern[j])
		j++
	}
	if j == i+1 {
		return "'", j + 1, nil
	}
	return string(b), j + 1, nil
}

// Run is the length of the run of pattern[i]'s letter that starts at i.
func Run(pattern string, i int) int {
	j := i
	for j < len(pattern) && pattern[j] == pattern[i] {
		j++
	}
	return j - i
}
