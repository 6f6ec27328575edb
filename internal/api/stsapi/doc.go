// Package stsapi serves the subset of AWS STS that temporary credentials
// need — AssumeRole, GetSessionToken and GetCallerIdentity — over STS's
// query protocol (form-encoded POST, XML answers, API version 2011-06-15)
// on the same port as the Kinesis services. Requests are signed for the
// "sts" service; the credentials it issues are verified by every service
// (see package identity).
package stsapi
