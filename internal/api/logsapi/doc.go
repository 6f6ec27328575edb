// Package logsapi serves the part of the CloudWatch Logs API
// (Logs_20140328, AWS JSON 1.1, SigV4 service "logs") that reads the
// delivery error logs Firehose writes (package deliverylog), so that
//
//	aws logs describe-log-groups --endpoint-url http://127.0.0.1:4567
//	aws logs get-log-events --log-group-name /aws/kinesisfirehose/orders \
//	    --log-stream-name DestinationDelivery --endpoint-url http://127.0.0.1:4567
//	aws logs filter-log-events --log-group-name … --filter-pattern S3.NoSuchBucket
//
// and the SDKs work against Sluice as against AWS. Four read operations:
// DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents
// (one file each), with the request members and bounds of AWS's model.
// Log groups and streams are those of the caller's account and region, made
// by Firehose's first error logged to them; nothing else writes them
// (PutLogEvents and the other operations are unknown operations here).
//
// Where Sluice decided:
//   - Tokens are Sluice's own opaque strings (GetLogEvents' start with "f/"
//     and "b/" as AWS's do); a token that does not parse is
//     InvalidParameterException. GetLogEvents answers the token it was given
//     as nextForwardToken when no event follows, the end-of-stream signal
//     clients loop on, as AWS does.
//   - FilterLogEvents takes term patterns: terms and "quoted phrases" that
//     must all appear, ?terms of which one must, -terms that must not
//     (case-sensitive, as AWS matches terms). JSON ({ $.x = … }),
//     space-delimited ([…]) and regular-expression (%…%) patterns are
//     refused with InvalidParameterException, not ignored.
//   - Constraint violations are ValidationException, as the shared JSON 1.1
//     layer answers them for every service (CloudWatch Logs may answer some
//     as InvalidParameterException).
package logsapi
