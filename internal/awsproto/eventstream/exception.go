package eventstream

import "sluice/internal/awsproto/awserr"

// AWSException returns the exception message that reports e inside a
// stream, as AWS ends a SubscribeToShard stream with ResourceInUseException:
// :exception-type is e's code, and the payload is the error shape's one
// member, {"message": ...} ("Message" for the codes that spell it so),
// encoded by encode (awsjson.Encode or awscbor.Encode) and labelled
// contentType. The cause stays out, as in every AWS error.
func AWSException(e *awserr.Error, contentType string, encode func(any) ([]byte, error)) (Message, error) {
	body := map[string]any{}
	if e.Message != "" {
		key := "message"
		if e.Code.CapitalMessage {
			key = "Message"
		}
		body[key] = e.Message
	}
	payload, err := encode(body)
	if err != nil {
		return Message{}, err
	}
	return Exception(e.Code.Name, contentType, payload), nil
}
