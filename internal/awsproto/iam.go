package awsproto

import (
	"net/http"
	"reflect"
	"strings"

	"sluice/internal/awsproto/awserr"
)

// IAM authorizes a service's operations against the caller's identity
// policies in the handler, once the input is decoded and before the
// operation runs. Services whose resources carry policies of their own
// (Kinesis Data Streams) authorize in their domain instead and leave it
// nil.
type IAM struct {
	// Prefix is the service's IAM prefix: firehose, kinesisanalytics,
	// kinesisvideo, logs.
	Prefix string
	// Resource is the ARN an operation acts on ("*" for none), or "" for
	// an operation its domain authorizes itself.
	Resource func(c Caller, op string, in any) string
	// Uses, when set, names what else the caller must be allowed for an
	// operation: the actions Sluice will take later on its behalf (a
	// delivery stream reading its source stream). AWS grants those to a
	// role the caller passes; Sluice has no such roles, so the caller's
	// own permissions stand in for the role's.
	Uses func(c Caller, op string, in any) []Need
}

// Need is one action on one resource a call requires besides its own.
type Need struct{ Action, Resource string }

// ResourceField is an input member naming an operation's resource: ARN
// maps its value (and the caller's region and account) to the ARN.
type ResourceField struct {
	Name string
	ARN  func(region, account, value string) string
}

// AsARN is a member that holds the resource's ARN itself, for a service
// that finds its resources by their exact ARN.
func AsARN(name string) ResourceField {
	return ResourceField{Name: name, ARN: func(_, _, v string) string { return v }}
}

// AsAWSARN is a member holding an ARN whose service takes any partition
// that begins with "aws" as its own: the ARN is evaluated in partition
// aws, lest arn:aws-x:... name the resource a Deny on arn:aws:... covers
// and escape it.
func AsAWSARN(name string) ResourceField {
	return ResourceField{Name: name, ARN: func(_, _, v string) string {
		parts := strings.SplitN(v, ":", 3)
		if len(parts) == 3 && parts[0] == "arn" {
			return "arn:aws:" + parts[2]
		}
		return v
	}}
}

// FieldResource is a Resource function reading the first of fields that
// the input sets; without one the operation acts on "*".
func FieldResource(fields ...ResourceField) func(c Caller, op string, in any) string {
	return func(c Caller, _ string, in any) string {
		v := reflect.ValueOf(in)
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return "*"
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return "*"
		}
		for _, f := range fields {
			fv := v.FieldByName(f.Name)
			if fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.String && fv.String() != "" {
				return f.ARN(c.Region, c.AccountID, fv.String())
			}
		}
		return "*"
	}
}

// check answers nil when c may run op with in, else AccessDeniedException
// (status is the service's: 400 for the JSON services, 401 for REST).
func (iam *IAM) check(c Caller, op string, in any, status int) *awserr.Error {
	a := c.Auth
	if iam == nil || a == nil || a.Unrestricted && a.Session == nil {
		return nil
	}
	action := iam.Prefix + ":" + op
	res := iam.Resource(c, op, in)
	if res == "" {
		return nil
	}
	code := awserr.AccessDeniedException
	code.Status = status
	if d := a.Check(action, res, c.AccountID, nil); !d.Allowed {
		return awserr.New(code, "%s", a.DeniedMessage(action, res, c.AccountID, d))
	}
	if iam.Uses == nil {
		return nil
	}
	for _, n := range iam.Uses(c, op, in) {
		if d := a.Check(n.Action, n.Resource, c.AccountID, nil); !d.Allowed {
			return awserr.New(code, "%s", a.DeniedMessage(n.Action, n.Resource, c.AccountID, d))
		}
	}
	return nil
}

const restAccessDenied = http.StatusUnauthorized

// rawOperation names a raw route's operation from its path: /putMedia is
// PutMedia.
func rawOperation(path string) string {
	name := strings.TrimPrefix(path, "/")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// Use is a resource an operation makes Sluice read or write on the
// caller's behalf later (a Firehose source, an application's input or
// output): found in the input as an ARN, and whether it is written (its
// field sits under a member whose name has "Output" or "Destination").
type Use struct {
	ARN   string
	Write bool
}

// UsesOf lists the ARNs an input names anywhere in it, with the direction
// their enclosing members give.
func UsesOf(in any) []Use {
	var uses []Use
	var walk func(v reflect.Value, write bool, depth int)
	walk = func(v reflect.Value, write bool, depth int) {
		if depth > 12 {
			return
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), write, depth+1)
			}
		case reflect.Struct:
			t := v.Type()
			for i := range t.NumField() {
				if !t.Field(i).IsExported() {
					continue
				}
				name := t.Field(i).Name
				walk(v.Field(i), write || strings.Contains(name, "Output") || strings.Contains(name, "Destination"), depth+1)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), write, depth+1)
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Value(), write, depth+1)
			}
		case reflect.String:
			if s := v.String(); strings.HasPrefix(s, "arn:") {
				uses = append(uses, Use{ARN: s, Write: write})
			}
		}
	}
	walk(reflect.ValueOf(in), false, 0)
	return uses
}
