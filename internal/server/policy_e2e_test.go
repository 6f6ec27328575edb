package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	firehoseclient "github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	katypes "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// policyKeys: two accounts, each with a root-like key (no policy) and a
// user restricted by an identity policy, and a role of account A that
// account B may assume.
const policyKeys = `{
 "keys": [
  {"accessKeyId": "AKIAROOTA", "secretAccessKey": "root-a", "accountId": "111111111111"},
  {"accessKeyId": "AKIAREADER", "secretAccessKey": "reader", "accountId": "111111111111", "userName": "reader",
   "policy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Action": ["kinesis:Describe*", "kinesis:List*", "kinesis:Get*"], "Resource": "*"},
     {"Effect": "Deny", "Action": "kinesis:GetRecords", "Resource": "arn:aws:kinesis:*:111111111111:stream/secret"}]}},
  {"accessKeyId": "AKIACONSUMER", "secretAccessKey": "consumer", "accountId": "111111111111", "userName": "fanout",
   "policy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Action": ["kinesis:RegisterStreamConsumer", "kinesis:DescribeStreamConsumer", "kinesis:DeregisterStreamConsumer"], "Resource": "*"}]}},
  {"accessKeyId": "AKIAVIDEO", "secretAccessKey": "video", "accountId": "111111111111", "userName": "camera-ops",
   "policy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Action": "kinesisvideo:*", "Resource": "*"},
     {"Effect": "Deny", "Action": "kinesisvideo:DescribeStream", "Resource": "arn:aws:kinesisvideo:*:*:stream/cam/1*"}]}},
  {"accessKeyId": "AKIAANALYST", "secretAccessKey": "analyst", "accountId": "111111111111", "userName": "analyst",
   "policy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Action": ["kinesisanalytics:*", "firehose:*", "s3:*", "kinesis:GetRecords"], "Resource": "*"},
     {"Effect": "Deny", "Action": "kinesis:GetRecords", "Resource": "arn:aws:kinesis:*:*:stream/secret"}]}},
  {"accessKeyId": "AKIAROOTB", "secretAccessKey": "root-b", "accountId": "222222222222"},
  {"accessKeyId": "AKIAWRITERB", "secretAccessKey": "writer-b", "accountId": "222222222222", "userName": "writer",
   "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kinesis:PutRecord\",\"kinesis:PutRecords\",\"kinesis:DescribeStreamSummary\"],\"Resource\":\"arn:aws:kinesis:us-east-1:111111111111:stream/shared\"}]}"}
 ],
 "roles": [
  {"arn": "arn:aws:iam::111111111111:role/producer",
   "policy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:DescribeStreamSummary"], "Resource": "arn:aws:kinesis:us-east-1:111111111111:stream/shared"}]},
   "trustPolicy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sts:AssumeRole"}]}},
  {"arn": "arn:aws:iam::111111111111:role/partner",
   "trustPolicy": {"Version": "2012-10-17", "Statement": [
     {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "xyz-123"}, "Bool": {"aws:SecureTransport": "false"}}}]}}
 ]
}`

type policyWorld struct {
	t     *testing.T
	srv   *testserver.Server
	audit string
}

func startPolicyWorld(t *testing.T) *policyWorld {
	creds := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(creds, []byte(policyKeys), 0o600); err != nil {
		t.Fatal(err)
	}
	auditLog := filepath.Join(t.TempDir(), "audit.jsonl")
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.Auth, c.Credentials, c.AuditLog = config.AuthSigV4, creds, auditLog
	}))
	return &policyWorld{t: t, srv: srv, audit: auditLog}
}

func (w *policyWorld) cfg(key, secret, token string) aws.Config {
	c := w.srv.AWSConfig("us-east-1", key, secret)
	c.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
	return c
}

func (w *policyWorld) kinesis(key, secret string) *kinesis.Client {
	return kinesis.NewFromConfig(w.cfg(key, secret, ""))
}

func wantDenied(t *testing.T, what string, err error, wantMsg string) {
	t.Helper()
	code, msg := apiCode(err)
	if code != "AccessDeniedException" || msg != wantMsg {
		t.Fatalf("%s: got %q %q (%v), want AccessDeniedException %q", what, code, msg, err, wantMsg)
	}
}

func put(ctx context.Context, c *kinesis.Client, stream string) error {
	in := &kinesis.PutRecordInput{Data: []byte("x"), PartitionKey: aws.String("k")}
	if strings.HasPrefix(stream, "arn:") {
		in.StreamARN = aws.String(stream)
	} else {
		in.StreamName = aws.String(stream)
	}
	_, err := c.PutRecord(ctx, in)
	return err
}

func TestPoliciesAreEnforced(t *testing.T) {
	w := startPolicyWorld(t)
	ctx := context.Background()
	rootA, reader := w.kinesis("AKIAROOTA", "root-a"), w.kinesis("AKIAREADER", "reader")
	rootB, writerB := w.kinesis("AKIAROOTB", "root-b"), w.kinesis("AKIAWRITERB", "writer-b")
	for _, name := range []string{"s", "shared", "secret"} {
		if _, err := rootA.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	const arnS, arnShared = "arn:aws:kinesis:us-east-1:111111111111:stream/s", "arn:aws:kinesis:us-east-1:111111111111:stream/shared"

	t.Run("identity policy", func(t *testing.T) {
		if _, err := reader.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}); err != nil {
			t.Fatalf("an allowed read: %v", err)
		}
		wantDenied(t, "a write the policy does not allow", put(ctx, reader, "s"),
			"User: arn:aws:iam::111111111111:user/reader is not authorized to perform: kinesis:PutRecord on resource: "+arnS+" because no identity-based policy allows the kinesis:PutRecord action")
		_, err := reader.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("new"), ShardCount: aws.Int32(1)})
		wantDenied(t, "CreateStream", err, "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: kinesis:CreateStream on resource: arn:aws:kinesis:us-east-1:111111111111:stream/new because no identity-based policy allows the kinesis:CreateStream action")
		it, err := reader.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("secret"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: "TRIM_HORIZON"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = reader.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		wantDenied(t, "an explicitly denied read", err, "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:111111111111:stream/secret with an explicit deny in an identity-based policy")
		if _, err := reader.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
			t.Fatalf("ListStreams on *: %v", err)
		}
		// The other services apply identity policies too.
		_, err = firehoseclient.NewFromConfig(w.cfg("AKIAREADER", "reader", "")).ListDeliveryStreams(ctx, &firehoseclient.ListDeliveryStreamsInput{})
		wantDenied(t, "firehose", err, "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: firehose:ListDeliveryStreams on resource: * because no identity-based policy allows the firehose:ListDeliveryStreams action")

		// Denied calls are in the audit log with the user who made them,
		// data-plane ones (PutRecord) included.
		events, _ := readAudit(t, w.audit)
		for _, name := range []string{"PutRecord", "CreateStream", "ListDeliveryStreams"} {
			e, ok := findEvent(events, name, "AccessDeniedException")
			if !ok || e.UserIdentity.Type != "IAMUser" || e.UserIdentity.ARN != "arn:aws:iam::111111111111:user/reader" || e.UserIdentity.AccessKeyID != "AKIAREADER" {
				t.Errorf("audit of the denied %s: %+v %v", name, e.UserIdentity, ok)
			}
		}
	})

	t.Run("consumers of a restricted user", func(t *testing.T) {
		fanout := w.kinesis("AKIACONSUMER", "consumer")
		reg, err := fanout.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arnS), ConsumerName: aws.String("c1")})
		if err != nil {
			t.Fatal(err)
		}
		d, err := fanout.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN})
		if err != nil || d.ConsumerDescription.ConsumerStatus != "ACTIVE" {
			t.Fatalf("the consumer: %+v %v", d, err)
		}
		if _, err := fanout.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN}); err != nil {
			t.Fatalf("deregistering: %v", err)
		}
		// Another account cannot tell a missing stream from a missing
		// consumer: both denials name the consumer asked for.
		for _, arn := range []string{"arn:aws:kinesis:us-east-1:111111111111:stream/nope/consumer/c:1", "arn:aws:kinesis:us-east-1:111111111111:stream/s/consumer/nope:1"} {
			_, err := rootB.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(arn)})
			wantDenied(t, arn, err, "User: arn:aws:iam::222222222222:root is not authorized to perform: kinesis:DescribeStreamConsumer on resource: "+arn+" because no resource-based policy allows the kinesis:DescribeStreamConsumer action")
		}
	})

	t.Run("video by name", func(t *testing.T) {
		// A name is evaluated as the stream's exact ARN (it ends in the
		// creation time), so a Deny on that ARN holds for calls by name.
		ops := kinesisvideo.NewFromConfig(w.cfg("AKIAVIDEO", "video", ""))
		created, err := ops.CreateStream(ctx, &kinesisvideo.CreateStreamInput{StreamName: aws.String("cam")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ops.DescribeStream(ctx, &kinesisvideo.DescribeStreamInput{StreamName: aws.String("cam")})
		code, msg := apiCode(err)
		if code != "AccessDeniedException" || !strings.Contains(msg, "on resource: "+*created.StreamARN+" with an explicit deny") {
			t.Fatalf("DescribeStream by name: %v", err)
		}
		if _, err := ops.ListStreams(ctx, &kinesisvideo.ListStreamsInput{}); err != nil {
			t.Fatalf("an allowed call: %v", err)
		}
	})

	t.Run("what Sluice does on the caller's behalf", func(t *testing.T) {
		// Without roles, the caller's own permissions stand in for the role
		// AWS would assume: a source the caller may not read stays closed.
		const arnSecret = "arn:aws:kinesis:us-east-1:111111111111:stream/secret"
		role := aws.String("arn:aws:iam::111111111111:role/any")
		denied := "User: arn:aws:iam::111111111111:user/analyst is not authorized to perform: kinesis:GetRecords on resource: " + arnSecret + " with an explicit deny in an identity-based policy"
		analytics := kinesisanalytics.NewFromConfig(w.cfg("AKIAANALYST", "analyst", ""))
		_, err := analytics.DiscoverInputSchema(ctx, &kinesisanalytics.DiscoverInputSchemaInput{ResourceARN: aws.String(arnSecret), RoleARN: role,
			InputStartingPositionConfiguration: &katypes.InputStartingPositionConfiguration{InputStartingPosition: katypes.InputStartingPositionTrimHorizon}})
		wantDenied(t, "DiscoverInputSchema of a denied stream", err, denied)
		fh := firehoseclient.NewFromConfig(w.cfg("AKIAANALYST", "analyst", ""))
		_, err = fh.CreateDeliveryStream(ctx, &firehoseclient.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("copy"),
			DeliveryStreamType:                 fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
			KinesisStreamSourceConfiguration:   &fhtypes.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String(arnSecret), RoleARN: role},
			ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::out"), RoleARN: role}})
		wantDenied(t, "a delivery stream from a denied stream", err, denied)
		_, err = fh.CreateDeliveryStream(ctx, &firehoseclient.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("copy"),
			DeliveryStreamType:                 fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
			KinesisStreamSourceConfiguration:   &fhtypes.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String(arnS), RoleARN: role},
			ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::out"), RoleARN: role}})
		if code, _ := apiCode(err); code == "AccessDeniedException" {
			t.Fatalf("a delivery stream from an allowed stream: %v", err)
		}
	})

	t.Run("resource policy deny", func(t *testing.T) {
		deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kinesis:PutRecord","Resource":"` + arnS + `"}]}`
		if _, err := rootA.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(arnS), Policy: aws.String(deny)}); err != nil {
			t.Fatal(err)
		}
		wantDenied(t, "the owner's own write under a Deny", put(ctx, rootA, "s"),
			"User: arn:aws:iam::111111111111:root is not authorized to perform: kinesis:PutRecord on resource: "+arnS+" with an explicit deny in a resource-based policy")
		if _, err := rootA.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: aws.String(arnS)}); err != nil {
			t.Fatal(err)
		}
		if err := put(ctx, rootA, "s"); err != nil {
			t.Fatalf("after the policy is gone: %v", err)
		}
	})

	t.Run("malformed policy", func(t *testing.T) {
		for _, doc := range []string{`{"Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}]}`, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kinesis:*","Resource":"*","Bogus":1}]}`, `not json`} {
			_, err := rootA.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(arnS), Policy: aws.String(doc)})
			if code, _ := apiCode(err); code != "InvalidArgumentException" {
				t.Fatalf("%s: %v", doc, err)
			}
		}
	})

	t.Run("cross account", func(t *testing.T) {
		wantDenied(t, "without a resource policy", put(ctx, writerB, arnShared),
			"User: arn:aws:iam::222222222222:user/writer is not authorized to perform: kinesis:PutRecord on resource: "+arnShared+" because no resource-based policy allows the kinesis:PutRecord action")
		wantDenied(t, "another account's stream that does not exist", put(ctx, rootB, "arn:aws:kinesis:us-east-1:111111111111:stream/nope"),
			"User: arn:aws:iam::222222222222:root is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:111111111111:stream/nope because no resource-based policy allows the kinesis:PutRecord action")
		allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["kinesis:PutRecord","kinesis:DescribeStreamSummary"],"Resource":"` + arnShared + `"}]}`
		if _, err := rootA.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(arnShared), Policy: aws.String(allow)}); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]*kinesis.Client{"writer": writerB, "root": rootB} {
			if err := put(ctx, c, arnShared); err != nil {
				t.Fatalf("%s of B, allowed on both sides: %v", name, err)
			}
		}
		_, err := writerB.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamARN: aws.String(arnShared), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: "TRIM_HORIZON"})
		wantDenied(t, "a read neither side allows", err,
			"User: arn:aws:iam::222222222222:user/writer is not authorized to perform: kinesis:GetShardIterator on resource: "+arnShared+" because no identity-based policy allows the kinesis:GetShardIterator action")
		_, err = rootB.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: aws.String(arnShared)})
		if code, _ := apiCode(err); code != "AccessDeniedException" {
			t.Fatalf("another account reads the policy: %v", err)
		}
		// B's own streams stay B's: the name resolves in the caller's account.
		_, err = rootB.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("shared")})
		if code, _ := apiCode(err); code != "ResourceNotFoundException" {
			t.Fatalf("by name in B: %v", err)
		}
	})

	t.Run("sts", func(t *testing.T) {
		stsB := sts.NewFromConfig(w.cfg("AKIAROOTB", "root-b", ""))
		id, err := sts.NewFromConfig(w.cfg("AKIAREADER", "reader", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *id.Arn != "arn:aws:iam::111111111111:user/reader" || *id.Account != "111111111111" {
			t.Fatalf("GetCallerIdentity: %+v %v", id, err)
		}
		role, err := stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/producer"), RoleSessionName: aws.String("job-1")})
		if err != nil {
			t.Fatal(err)
		}
		if *role.AssumedRoleUser.Arn != "arn:aws:sts::111111111111:assumed-role/producer/job-1" || !strings.HasPrefix(*role.Credentials.AccessKeyId, "ASIA") {
			t.Fatalf("AssumeRole: %+v", role.AssumedRoleUser)
		}
		rc := role.Credentials
		session := kinesis.NewFromConfig(w.cfg(*rc.AccessKeyId, *rc.SecretAccessKey, *rc.SessionToken))
		if err := put(ctx, session, "shared"); err != nil {
			t.Fatalf("the role's session writes: %v", err)
		}
		_, err = session.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("shared")})
		wantDenied(t, "the role's session deletes", err, "User: arn:aws:sts::111111111111:assumed-role/producer/job-1 is not authorized to perform: kinesis:DeleteStream on resource: "+arnShared+" because no identity-based policy allows the kinesis:DeleteStream action")
		who, err := sts.NewFromConfig(w.cfg(*rc.AccessKeyId, *rc.SecretAccessKey, *rc.SessionToken)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *who.Arn != "arn:aws:sts::111111111111:assumed-role/producer/job-1" {
			t.Fatalf("the session's identity: %+v %v", who, err)
		}

		// A session policy narrows the role.
		narrow, err := stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/producer"), RoleSessionName: aws.String("ro"),
			Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:DescribeStreamSummary","Resource":"*"}]}`)})
		if err != nil {
			t.Fatal(err)
		}
		nc := narrow.Credentials
		wantDenied(t, "beyond the session policy", put(ctx, kinesis.NewFromConfig(w.cfg(*nc.AccessKeyId, *nc.SecretAccessKey, *nc.SessionToken)), "shared"),
			"User: arn:aws:sts::111111111111:assumed-role/producer/ro is not authorized to perform: kinesis:PutRecord on resource: "+arnShared+" because no session policy allows the kinesis:PutRecord action")

		// Account A's reader is not trusted by the role; an unknown role is refused.
		_, err = sts.NewFromConfig(w.cfg("AKIAREADER", "reader", "")).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/producer"), RoleSessionName: aws.String("x1")})
		if code, _ := apiCode(err); code != "AccessDenied" {
			t.Fatalf("untrusted AssumeRole: %v", err)
		}
		_, err = stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/nope"), RoleSessionName: aws.String("x1")})
		if code, _ := apiCode(err); code != "AccessDenied" {
			t.Fatalf("unknown role: %v", err)
		}
		_, err = stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/producer"), RoleSessionName: aws.String("x1"), DurationSeconds: aws.Int32(7200)})
		if code, _ := apiCode(err); code != "ValidationError" {
			t.Fatalf("past MaxSessionDuration: %v", err)
		}

		// The trust policy's conditions see AssumeRole's ExternalId and the
		// request's facts.
		partner := aws.String("arn:aws:iam::111111111111:role/partner")
		_, err = stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: partner, RoleSessionName: aws.String("p1")})
		if code, _ := apiCode(err); code != "AccessDenied" {
			t.Fatalf("without the external ID: %v", err)
		}
		if _, err := stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: partner, RoleSessionName: aws.String("p1"), ExternalId: aws.String("xyz-123")}); err != nil {
			t.Fatalf("with the external ID: %v", err)
		}
		// Parameters Sluice does not implement are refused, not ignored.
		_, err = stsB.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: partner, RoleSessionName: aws.String("p1"), ExternalId: aws.String("xyz-123"),
			PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}})
		if code, msg := apiCode(err); code != "InvalidParameterValue" || !strings.Contains(msg, "PolicyArns") {
			t.Fatalf("PolicyArns: %v", err)
		}

		// GetSessionToken keeps the key's identity and policy.
		tok, err := sts.NewFromConfig(w.cfg("AKIAREADER", "reader", "")).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		tc := tok.Credentials
		readerSession := kinesis.NewFromConfig(w.cfg(*tc.AccessKeyId, *tc.SecretAccessKey, *tc.SessionToken))
		if _, err := readerSession.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}); err != nil {
			t.Fatalf("reader's session: %v", err)
		}
		wantDenied(t, "reader's session writes", put(ctx, readerSession, "s"),
			"User: arn:aws:iam::111111111111:user/reader is not authorized to perform: kinesis:PutRecord on resource: "+arnS+" because no identity-based policy allows the kinesis:PutRecord action")

		// STS calls are control plane: all of them are in the audit log.
		events, _ := readAudit(t, w.audit)
		if e, ok := findEvent(events, "AssumeRole", ""); !ok || e.EventSource != "sts.amazonaws.com" || e.UserIdentity.ARN != "arn:aws:iam::222222222222:root" {
			t.Errorf("audit of AssumeRole: %+v %v", e, ok)
		}
		if _, ok := findEvent(events, "AssumeRole", "AccessDenied"); !ok {
			t.Error("the refused AssumeRole is not in the audit log")
		}

		// A token altered, or one signed with another secret, is refused.
		// (Expiry is tested in package identity and awsproto: the SDK signs
		// with the real time, which a moved server clock would refuse first.)
		forged := kinesis.NewFromConfig(w.cfg(*rc.AccessKeyId, *rc.SecretAccessKey, *rc.SessionToken+"A"))
		if code, _ := apiCode(put(ctx, forged, "shared")); code != "UnrecognizedClientException" {
			t.Fatalf("altered token accepted")
		}
		wrong := kinesis.NewFromConfig(w.cfg(*rc.AccessKeyId, "not-the-secret", *rc.SessionToken))
		if code, _ := apiCode(put(ctx, wrong, "shared")); code != "InvalidSignatureException" {
			t.Fatalf("session with a wrong secret accepted")
		}
	})
}

// TestRateLimitCoversSessions: temporary credentials spend the allowance
// of the key they were made from, so minting sessions mints no requests;
// STS calls are charged too.
func TestRateLimitCoversSessions(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"AKIAK","secretAccessKey":"k","accountId":"111111111111"},
		{"accessKeyId":"AKIAOTHER","secretAccessKey":"o","accountId":"111111111111"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.Auth, c.Credentials, c.KeyRateLimit, c.KeyRateBurst = config.AuthSigV4, creds, 0.001, 3
	}))
	w := &policyWorld{t: t, srv: srv}
	ctx := context.Background()
	stsK := sts.NewFromConfig(w.cfg("AKIAK", "k", ""))
	session := func() *kinesis.Client {
		t.Helper()
		out, err := stsK.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		return kinesis.NewFromConfig(w.cfg(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
	}
	if _, err := session().ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil { // 2 of 3
		t.Fatal(err)
	}
	second := session() // 3 of 3
	_, err := second.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if code, _ := apiCode(err); code != "ThrottlingException" {
		t.Fatalf("a fresh session past its key's allowance: %v", err)
	}
	_, err = stsK.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if code, _ := apiCode(err); code != "Throttling" {
		t.Fatalf("STS past the key's allowance: %v", err)
	}
	if _, err := w.kinesis("AKIAOTHER", "o").ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("another key: %v", err)
	}
}
