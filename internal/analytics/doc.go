// Package analytics is the Kinesis Data Analytics domain: SQL applications,
// their configuration and versions, their states, and the discovery of
// input schemas. The wire (v1 KinesisAnalytics_20150814 and v2
// KinesisAnalytics_20180523) is package api/analyticsapi; both APIs share
// this domain and its store.
//
// # Applications
//
// An application has a name (unique per account and region), an ARN
// (arn:aws:kinesisanalytics:<region>:<account>:application/<name>), SQL code
// (at most 100 KB), at most one streaming input (a Sluice data stream or
// Firehose delivery stream, mapped by an InputSchema onto the in-application
// streams <NamePrefix>_001 … _<InputParallelism>), up to three outputs (data
// stream, delivery stream, or Lambda), at most one S3 reference data source,
// CloudWatch logging options (stored and described) and up to 50 tags.
// Every configuration change raises ApplicationVersionId by one and must
// name the current one (ConcurrentModificationException otherwise); tags,
// starts and stops do not change it. Inputs, outputs, reference data
// sources and logging options get IDs "<version>.<n>": the version that
// added them and their rank among the items of their kind it added, as AWS
// numbers them ("1.1" for the first input of a new application).
//
// # States
//
//	CreateApplication           → READY
//	READY    StartApplication   → STARTING → RUNNING   (Runner.Start)
//	RUNNING  StopApplication    → STOPPING → READY     (Runner.Stop)
//	RUNNING  a configuration change → UPDATING → RUNNING (Stop, then Start from the last stopped points)
//	READY    DeleteApplication  → gone
//	RUNNING  DeleteApplication  → DELETING → gone      (Runner.Stop)
//
// Configuration changes are allowed in READY and RUNNING, starts in READY,
// stops in RUNNING; anything else is ResourceInUseException. Without a
// Runner (the SQL engine) StartApplication is refused: Sluice never reports
// an application RUNNING that nothing runs.
//
// # Persistence
//
// Each application is one metadata key, analytics/applications/<account>/
// <region>/<name>, a JSON document written in the same transaction as the
// configuration of each new version (analytics/versions/<id>/<version>, for
// v2's DescribeApplicationVersion and ListApplicationVersions). The state is
// persisted before and after each transition, so a restart finishes what a
// stop or crash interrupted: an application that was RUNNING (or STARTING,
// or UPDATING) is started again from its last stopped points, one STOPPING
// is READY, one DELETING is deleted. Applications keep no log of their own:
// the records they read and write are their sources' and destinations'.
//
// # Placement
//
// In a cluster whose applications are spread over nodes (Config.Owns),
// each node runs the applications it owns and keeps the others' metadata
// for descriptions and lists; every change of an application another node
// owns fails with storage.ErrMoved. LoadApplication, DropApplication,
// Follow and FollowAll move applications between nodes and follow the
// others' changes (placement.go).
//
// # Code
//
// Code is validated (the Config's CodeValidator, SQLValidator in the
// server: package sql's parser and checks) whenever the application is
// created or its configuration changes, against the columns of its
// in-application input streams and reference tables once it has some; a
// problem is CodeValidationException with its line and column, and the
// change is not made.
//
// # Discovery
//
// DiscoverInputSchema reads up to 100 records (SampleRecords) of a data
// stream or delivery stream from NOW (waiting up to SampleWait for them) or
// TRIM_HORIZON, or the first MiB of an S3 object, passes them through the
// input's Lambda preprocessor when one is given, and hands them to the
// Inferrer.
//
// # v1 and v2
//
// Both APIs see every application. An application created or changed
// through v2 may be read through v1 but not changed (UnsupportedOperation
// Exception, as AWS answers); v2 may change applications v1 created.
package analytics
