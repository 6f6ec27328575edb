package firehoseapi

import (
	"context"
	"reflect"
	"strings"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var updateInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("CurrentDeliveryStreamVersionId", shape.Str().Len(1, 50).Match(`[0-9]+`)),
	shape.Req("DestinationId", shape.Str().Len(1, 100).Match(`[a-zA-Z0-9-]+`)),
	shape.Opt("S3DestinationUpdate", s3Update),
	shape.Opt("ExtendedS3DestinationUpdate", extendedS3Update),
	shape.Opt("RedshiftDestinationUpdate", redshiftUpdate),
	shape.Opt("ElasticsearchDestinationUpdate", elasticsearchUpdate),
	shape.Opt("AmazonopensearchserviceDestinationUpdate", openSearchUpdate),
	shape.Opt("SplunkDestinationUpdate", splunkUpdate),
	shape.Opt("HttpEndpointDestinationUpdate", httpUpdate),
	shape.Opt("AmazonOpenSearchServerlessDestinationUpdate", serverlessUpdate),
	shape.Opt("SnowflakeDestinationUpdate", snowflakeUpdate),
	shape.Opt("IcebergDestinationUpdate", icebergUpdate),
).Named("UpdateDestinationInput")

type updateIn struct {
	DeliveryStreamName                          string
	CurrentDeliveryStreamVersionId              string
	DestinationId                               string
	S3DestinationUpdate                         *s3In
	ExtendedS3DestinationUpdate                 *s3In
	RedshiftDestinationUpdate                   *redshiftIn
	ElasticsearchDestinationUpdate              *searchIn
	AmazonopensearchserviceDestinationUpdate    *searchIn
	SplunkDestinationUpdate                     *splunkIn
	HttpEndpointDestinationUpdate               *httpIn
	AmazonOpenSearchServerlessDestinationUpdate *searchIn
	SnowflakeDestinationUpdate                  *snowflakeIn
	IcebergDestinationUpdate                    *icebergIn
}

// updates lists the destination updates given, each with the Create form
// whose required members a change of destination type must give.
func (in *updateIn) updates() []givenUpdate {
	var g []givenUpdate
	if in.S3DestinationUpdate != nil {
		g = append(g, givenUpdate{givenDest{member: "S3DestinationUpdate", kind: firehose.KindS3, s3: in.S3DestinationUpdate}, s3Configuration, s3Update, in.S3DestinationUpdate})
	}
	if in.ExtendedS3DestinationUpdate != nil {
		g = append(g, givenUpdate{givenDest{member: "ExtendedS3DestinationUpdate", kind: firehose.KindS3, s3: in.ExtendedS3DestinationUpdate, extended: true}, extendedS3Configuration, extendedS3Update, in.ExtendedS3DestinationUpdate})
	}
	add := func(member, kind string, ok bool, d destIn, create, update *shape.Shape) {
		if ok {
			g = append(g, givenUpdate{givenDest{member: member, kind: kind, in: d}, create, update, d})
		}
	}
	add("RedshiftDestinationUpdate", firehose.KindRedshift, in.RedshiftDestinationUpdate != nil, in.RedshiftDestinationUpdate, redshiftConfiguration, redshiftUpdate)
	add("ElasticsearchDestinationUpdate", firehose.KindElasticsearch, in.ElasticsearchDestinationUpdate != nil, in.ElasticsearchDestinationUpdate, elasticsearchConfiguration, elasticsearchUpdate)
	add("AmazonopensearchserviceDestinationUpdate", firehose.KindOpenSearch, in.AmazonopensearchserviceDestinationUpdate != nil, in.AmazonopensearchserviceDestinationUpdate, openSearchConfiguration, openSearchUpdate)
	add("SplunkDestinationUpdate", firehose.KindSplunk, in.SplunkDestinationUpdate != nil, in.SplunkDestinationUpdate, splunkConfiguration, splunkUpdate)
	add("HttpEndpointDestinationUpdate", firehose.KindHTTPEndpoint, in.HttpEndpointDestinationUpdate != nil, in.HttpEndpointDestinationUpdate, httpConfiguration, httpUpdate)
	add("AmazonOpenSearchServerlessDestinationUpdate", firehose.KindOpenSearchServerless, in.AmazonOpenSearchServerlessDestinationUpdate != nil, in.AmazonOpenSearchServerlessDestinationUpdate, serverlessConfiguration, serverlessUpdate)
	add("SnowflakeDestinationUpdate", firehose.KindSnowflake, in.SnowflakeDestinationUpdate != nil, in.SnowflakeDestinationUpdate, snowflakeConfiguration, snowflakeUpdate)
	add("IcebergDestinationUpdate", firehose.KindIceberg, in.IcebergDestinationUpdate != nil, in.IcebergDestinationUpdate, icebergConfiguration, icebergUpdate)
	return g
}

// givenUpdate is a destination update of a request.
type givenUpdate struct {
	givenDest
	create *shape.Shape // the Create form
	update *shape.Shape // the Update form
	value  any          // the decoded update (*s3In, *httpIn, ...)
}

// applyUpdate applies an update to the delivery stream's destination. The
// same type merges the members given; a different type replaces the
// destination, so the update must then give every member the Create form
// requires (AWS: "Firehose does not merge any parameters. In this case,
// all parameters must be specified."). Whether the change of type is
// allowed (OpenSearch only to OpenSearch) is the domain's to say.
func applyUpdate(u givenUpdate, d *firehose.Destinations) error {
	if d.Kind != u.kind {
		if miss := missingRequired(u.create, u.update, reflect.ValueOf(u.value), ""); len(miss) > 0 {
			return awserr.New(awserr.InvalidArgumentException,
				"%s changes the destination type, which replaces the destination: give every member %s requires; missing: %s.",
				u.member, u.create.Name, strings.Join(miss, ", "))
		}
		*d = fresh(u.kind)
	}
	if u.s3 != nil {
		if u.extended {
			d.S3.Extended = true
		}
		return u.s3.apply(&d.S3)
	}
	return u.in.apply(u.kind, d)
}

// updateNames are the Update forms' names of Create members.
var updateNames = map[string]string{"S3Configuration": "S3Update", "S3BackupConfiguration": "S3BackupUpdate"}

// missingRequired lists the members the Create form create requires that
// the decoded Update v (a pointer to an in-struct, decoded with the shape
// update) leaves out, as dotted paths of the Update's member names.
// Members inside a structure that is given were checked by the Update's
// shape already, but are walked all the same.
func missingRequired(create, update *shape.Shape, v reflect.Value, path string) []string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for _, m := range create.Members {
		name := m.Name
		if alt, ok := updateNames[name]; ok && !hasMember(update, name) {
			name = alt
		}
		f := v.FieldByName(name)
		absent := !f.IsValid()
		if !absent {
			switch f.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
				absent = f.IsNil()
			}
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		switch {
		case absent && m.Required:
			out = append(out, p)
		case !absent && m.Shape.Kind == shape.Structure:
			out = append(out, missingRequired(m.Shape, m.Shape, f, p)...)
		}
	}
	return out
}

func hasMember(s *shape.Shape, name string) bool {
	for _, m := range s.Members {
		if m.Name == name {
			return true
		}
	}
	return false
}

func (a *API) updateDestination(ctx context.Context, in *updateIn) (*empty, error) {
	given := in.updates()
	switch {
	case len(given) == 0:
		return nil, awserr.New(awserr.InvalidArgumentException, "Exactly one destination update must be specified.")
	case len(given) > 1:
		names := make([]string, len(given))
		for i, g := range given {
			names[i] = g.member
		}
		return nil, awserr.New(awserr.InvalidArgumentException, "Exactly one destination update must be specified; got %s.", strings.Join(names, " and "))
	}
	err := a.svc.UpdateDestination(ctx, caller(ctx), in.DeliveryStreamName, in.CurrentDeliveryStreamVersionId, in.DestinationId, func(d *firehose.Destinations) error {
		return applyUpdate(given[0], d)
	})
	return &empty{}, wire(err)
}

var tagInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("Tags", shape.ListOf(tagShape).Len(1, 50)),
).Named("TagDeliveryStreamInput")

type tagStreamIn struct {
	DeliveryStreamName string
	Tags               []tagIn
}

func (a *API) tag(ctx context.Context, in *tagStreamIn) (*empty, error) {
	tags, err := tagsIn(in.Tags)
	if err != nil {
		return nil, err
	}
	return &empty{}, wire(a.svc.TagDeliveryStream(ctx, caller(ctx), in.DeliveryStreamName, tags))
}

var untagInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("TagKeys", shape.ListOf(tagKeyShape).Len(1, 50)),
).Named("UntagDeliveryStreamInput")

type untagIn struct {
	DeliveryStreamName string
	TagKeys            []string
}

func (a *API) untag(ctx context.Context, in *untagIn) (*empty, error) {
	return &empty{}, wire(a.svc.UntagDeliveryStream(ctx, caller(ctx), in.DeliveryStreamName, in.TagKeys))
}

var listTagsInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("ExclusiveStartTagKey", tagKeyShape),
	shape.Opt("Limit", shape.Int().Range(1, 50)),
).Named("ListTagsForDeliveryStreamInput")

type listTagsIn struct {
	DeliveryStreamName   string
	ExclusiveStartTagKey *string
	Limit                *int64
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type listTagsOut struct {
	Tags        []tagOut `json:"Tags"`
	HasMoreTags bool     `json:"HasMoreTags"`
}

func (a *API) listTags(ctx context.Context, in *listTagsIn) (*listTagsOut, error) {
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	tags, more, err := a.svc.ListTags(caller(ctx), in.DeliveryStreamName, deref(in.ExclusiveStartTagKey), limit)
	if err != nil {
		return nil, wire(err)
	}
	out := &listTagsOut{Tags: make([]tagOut, len(tags)), HasMoreTags: more}
	for i, t := range tags {
		out.Tags[i] = tagOut{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

var startEncryptionInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Opt("DeliveryStreamEncryptionConfigurationInput", shape.Struct(
		shape.Opt("KeyARN", kmsKeyARNShape),
		shape.Req("KeyType", shape.Str().OneOf("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK")),
	).Named("DeliveryStreamEncryptionConfigurationInput")),
).Named("StartDeliveryStreamEncryptionInput")

type startEncryptionIn struct {
	DeliveryStreamName                         string
	DeliveryStreamEncryptionConfigurationInput *encryptionIn
}

func (a *API) startEncryption(ctx context.Context, in *startEncryptionIn) (*empty, error) {
	e := &firehose.Encryption{}
	if c := in.DeliveryStreamEncryptionConfigurationInput; c != nil {
		e.KeyType, e.KeyARN = c.KeyType, deref(c.KeyARN)
	}
	return &empty{}, wire(a.svc.StartEncryption(ctx, caller(ctx), in.DeliveryStreamName, e))
}

var stopEncryptionInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
).Named("StopDeliveryStreamEncryptionInput")

type stopEncryptionIn struct {
	DeliveryStreamName string
}

func (a *API) stopEncryption(ctx context.Context, in *stopEncryptionIn) (*empty, error) {
	return &empty{}, wire(a.svc.StopEncryption(ctx, caller(ctx), in.DeliveryStreamName))
}
