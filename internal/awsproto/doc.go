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
// service (the first failure wins):
//
//  1. a method other than POST: 403 with an XML AccessDeniedException;
//  2. an empty body: SerializationException for a known operation, else
//     UnknownOperationException, in the request's encoding;
//  3. an unsupported content type: 403 XML AccessDeniedException without a
//     target, 404 <UnknownOperationException/> with one;
//  4. a body that does not parse: SerializationException; the legacy
//     application/json (Coral 1.0) envelope for plain JSON;
//  5. an unknown target: UnknownOperationException;
//  6. authentication (MissingAuthenticationToken, IncompleteSignature, ...);
//  7. the input shape: SerializationException for types, then
//     ValidationException for constraints;
//  8. the operation itself.
package awsproto
