package channels

import (
	"strings"
)

// DefaultKeyTemplate is the object key template of a channel without an
// OutputKeyTemplate (AWS's documented default).
const DefaultKeyTemplate = "kinesis-channel/!{channel-name}/!{channel-id}/!{yyyy}/!{MM}/!{dd}/!{HH}/" +
	"!{channel-name}-!{channel-id}-!{yyyy}-!{MM}-!{dd}-!{HH}-!{mm}!{extension}"

// MaxExpandedKey is how long a template may be once expanded: S3's 1,024
// characters less the unique suffix of up to 38 that AWS appends.
const MaxExpandedKey = 986

// templateVars are the values of a channel's constant template variables.
type templateVars struct {
	channelName, channelID, streamName string
}

// keyTemplate is a parsed OutputKeyTemplate: literal text (the constant
// variables already expanded) and time variables, then the extension.
type keyTemplate struct {
	parts []tplPart
	// ext is the extension placeholder: "" for none, "!" for !{extension}
	// (derived from the compression), or the literal of
	// !{extension:.literal}.
	ext string
}

// tplPart is literal text or one time variable (its Java pattern letters).
type tplPart struct {
	text string
	time string
}

// timeVars are the time variables with their Java DateTimeFormatter
// letters (all in UTC).
var timeVars = map[string]string{"yyyy": "yyyy", "yy": "yy", "MM": "MM", "dd": "dd", "HH": "HH", "mm": "mm"}

// literalOK reports whether c may appear as literal text in a template:
// alphanumerics and ! - _ ' . * ( ) / =.
func literalOK(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!-_'.*()/=", c) >= 0
}

// parseKeyTemplate parses and checks a template as AWS's template rules
// say: placeholders closed and known, literal characters from the allowed
// set, no leading '/', no "//", no "..", no "." segment, at most one
// extension placeholder and only at the end, an extension placeholder when
// the objects are compressed (ext, the compression's extension, is not
// empty), and at most MaxExpandedKey characters once expanded.
func parseKeyTemplate(tpl, ext string, v templateVars) (keyTemplate, error) {
	var k keyTemplate
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			k.parts = append(k.parts, tplPart{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(tpl); {
		if k.ext != "" {
			return k, errInvalid("The extension placeholder must be at the end of OutputKeyTemplate.")
		}
		if strings.HasPrefix(tpl[i:], "!{") {
			j := strings.IndexByte(tpl[i:], '}')
			if j < 0 {
				return k, errInvalid("OutputKeyTemplate has an unclosed variable placeholder: every '!{' needs a matching '}'.")
			}
			name := tpl[i+2 : i+j]
			i += j + 1
			switch {
			case name == "channel-name":
				lit.WriteString(v.channelName)
			case name == "channel-id":
				lit.WriteString(v.channelID)
			case name == "stream-name":
				lit.WriteString(v.streamName)
			case timeVars[name] != "":
				flush()
				k.parts = append(k.parts, tplPart{time: timeVars[name]})
			case name == "extension":
				k.ext = "!"
			case strings.HasPrefix(name, "extension:"):
				ext := strings.TrimPrefix(name, "extension:")
				if !literalExtension(ext) {
					return k, errInvalid("The literal extension %q in OutputKeyTemplate must start with a period and contain only lowercase letters and periods.", ext)
				}
				k.ext = ext
			default:
				return k, errInvalid("!{%s} is not a supported variable of OutputKeyTemplate.", name)
			}
			continue
		}
		c := tpl[i]
		if !literalOK(c) {
			return k, errInvalid("OutputKeyTemplate contains the character %q; allowed are letters, digits, ! - _ ' . * ( ) / = and variable placeholders.", c)
		}
		lit.WriteByte(c)
		i++
	}
	flush()
	switch {
	case strings.HasPrefix(tpl, "/"):
		return k, errInvalid("OutputKeyTemplate must not start with a forward slash (/).")
	case strings.Contains(tpl, "//"):
		return k, errInvalid("OutputKeyTemplate must not contain consecutive slashes (//).")
	case strings.Contains(tpl, ".."):
		return k, errInvalid("OutputKeyTemplate must not contain path traversal (..).")
	case ext != "" && k.ext == "":
		return k, errInvalid("OutputKeyTemplate must end with an extension placeholder (!{extension} or !{extension:.literal}) when the objects are compressed.")
	case len(k.parts) == 0:
		return k, errInvalid("OutputKeyTemplate must contain more than an extension placeholder.")
	}
	expanded := k.sample()
	for _, seg := range strings.Split(expanded, "/") {
		if seg == "." || seg == ".." {
			return k, errInvalid("OutputKeyTemplate must not contain a period-only path segment; expanded it reads %q.", expanded)
		}
	}
	if n := len(expanded) + len(k.extension(ext)); n > MaxExpandedKey {
		return k, errInvalid("OutputKeyTemplate expands to %d characters; at most %d are allowed.", n, MaxExpandedKey)
	}
	return k, nil
}

// literalExtension reports whether ext is a period followed by lowercase
// letters and periods.
func literalExtension(ext string) bool {
	if len(ext) < 2 || ext[0] != '.' {
		return false
	}
	for i := 1; i < len(ext); i++ {
		if c := ext[i]; c != '.' && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// sample expands the template (without its extension) at a fixed time:
// every time variable has a fixed width, so its length is the length of
// any expansion.
func (k keyTemplate) sample() string {
	var b strings.Builder
	for _, p := range k.parts {
		if p.time != "" {
			b.WriteString(strings.Repeat("0", len(p.time)))
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// extension is the object key's extension for a compression's own
// extension (".gz" for GZIP).
func (k keyTemplate) extension(compressionExt string) string {
	switch k.ext {
	case "":
		return ""
	case "!":
		return compressionExt
	}
	return k.ext
}

// firehosePrefix is the template in the prefix language of the delivery
// engine (package firehose): literal text as it is and each time variable
// as its own !{timestamp:<letters>} expression (two adjacent variables in
// one expression could merge, "yy" then "yyyy" reading as "yyyyyy"). A
// prefix without a timestamp expression gets the engine's default hour
// folders, so a template without time variables has its first literal
// text quoted inside a timestamp expression, which prints it as it is.
// The engine appends its unique object name: the prefix ends with '-'
// before it, unless the template ends with '/'.
func (k keyTemplate) firehosePrefix() string {
	var b strings.Builder
	hasTime := false
	for _, p := range k.parts {
		if p.time != "" {
			hasTime = true
		}
	}
	for i, p := range k.parts {
		switch {
		case p.time != "":
			b.WriteString("!{timestamp:" + p.time + "}")
		case !hasTime && i == 0:
			b.WriteString("!{timestamp:'" + strings.ReplaceAll(p.text, "'", "''") + "'}")
		default:
			b.WriteString(p.text)
		}
	}
	if !strings.HasSuffix(k.sample(), "/") {
		b.WriteByte('-')
	}
	return b.String()
}
