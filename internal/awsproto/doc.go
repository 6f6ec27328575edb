// Package awsproto is the AWS wire layer shared by every Sluice service: it
// receives `POST /` requests that name their operation in X-Amz-Target,
// decodes JSON 1.1 or CBOR 1.1 bodies, authenticates the caller (SigV4),
// checks the body against the operation's input shape, calls the handler and
// writes the answer in the request's encoding, with AWS's request-ID
// headers on every response. It knows nothing of Kinesis semantics: services
// register their operations (see Service and Op) and the server mounts one
// Handler for all of them.
//
// The order of checks is AWS's, as recorded by kinesalite against the real
// service (the first failure wins), except that nothing that needs the body
// comes before authentication: AWS reads and parses the whole body first,
// while Sluice reads no byte of a body until the headers have passed every
// check they can (so a request it refuses costs no more than its headers).
//
//  1. CORS (when configured): a request from a browser page whose Origin is
//     not allowed: 403 XML AccessDeniedException; an allowed preflight is
//     answered here;
//  2. a method other than POST: 403 with an XML AccessDeniedException;
//  3. a Content-Length over the service's limit (Service.MaxBodyBytes:
//     Kinesis 16 MiB, Firehose 8 MiB, ...): 413 with AWS's common
//     RequestEntityTooLargeException in the request's encoding (JSON when
//     the content type is not one of the protocol's), before any byte of
//     the body is read; a chunked body is refused the same way as soon as
//     it passes the limit, and nothing past it is read into memory;
//  4. an empty body (Content-Length: 0): SerializationException for a known
//     operation, else UnknownOperationException, in the request's encoding;
//  5. an unsupported content type: 403 XML AccessDeniedException without a
//     target, 404 <UnknownOperationException/> with one;
//  6. an unknown target: UnknownOperationException (AWS parses the body
//     first);
//  7. authentication from the headers: the signature's form, which
//     headers it covers, the payload claim, (sigv4) time, scope and key;
//  8. room for the body in the Budget, then the body, read and hashed in
//     one pass: 503 ServiceUnavailableException when no room is made in
//     time;
//  9. the signature over the body (sigv4); then the per-access-key rate
//     limit (KeyLimiter, when configured): 400 ThrottlingException "Rate
//     exceeded" (a REST service's ThrottleCode), charged only to a key
//     whose signature was verified;
//  10. a body that does not parse, or holds more than 131,072 values
//     (decoding costs tens of bytes a value): SerializationException; the
//     legacy application/json (Coral 1.0) envelope for plain JSON;
//  11. the input shape: SerializationException for types, then
//     ValidationException for constraints;
//  12. the operation itself.
//
// An answer given without reading a large body closes the connection
// (HTTP/1), so that the server does not read the rest of it.
//
// With an Auditor, a handler reports each answered call to an operation
// the Auditor audits (the control plane), and each denied call: one
// refused by authentication (steps 7 and 9), by the per-key rate limit, or
// with AccessDeniedException from wherever it came (see audit.go).
package awsproto
