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
}

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
	d := a.Check(action, res, c.AccountID, nil)
	if d.Allowed {
		return nil
	}
	code := awserr.AccessDeniedException
	code.Status = status
	return awserr.New(code, "%s", a.DeniedMessage(action, res, c.AccountID, d))
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
