// Package videoapi serves the Kinesis Video Streams control plane API
// (kinesisvideo, 2017-09-30) on top of package video: REST-JSON
// `POST /<operation>` routes (paths as aws-sdk-go-v2 service/kinesisvideo
// v1.34.0 serializes them), the input shapes with AWS's constraints (a
// broken one is InvalidArgumentException with AWS's validation message),
// the answers' JSON, and the mapping of domain errors to AWS error codes
// with the statuses of the model (ResourceNotFoundException is a 404).
//
// The data plane (PutMedia, GetMedia, archived media) registers its own
// routes on the same RESTService: see API.Service and awsproto.RESTService's
// Handle and HandleRaw.
//
// GetDataEndpoint and GetSignalingChannelEndpoint answer the configured
// public URL (--public-url) or, without one, the base URL the request came
// in on (its scheme and Host header): a client reaches the data plane the
// way it reached the control plane.
package videoapi

import (
	"context"
	"errors"
	"net/http"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/storage"
	"sluice/internal/video"
)

// SigningName is the service name of the SigV4 credential scope, for the
// control plane and the data plane alike.
const SigningName = "kinesisvideo"

// The model's errors, with their HTTP statuses.
var (
	invalidArgument      = awserr.Code{Name: "InvalidArgumentException", Status: http.StatusBadRequest}
	resourceNotFound     = awserr.Code{Name: "ResourceNotFoundException", Status: http.StatusNotFound}
	resourceInUse        = awserr.Code{Name: "ResourceInUseException", Status: http.StatusBadRequest}
	versionMismatch      = awserr.Code{Name: "VersionMismatchException", Status: http.StatusBadRequest}
	accountStreamLimit   = awserr.Code{Name: "AccountStreamLimitExceededException", Status: http.StatusBadRequest}
	accountChannelLimit  = awserr.Code{Name: "AccountChannelLimitExceededException", Status: http.StatusBadRequest}
	tagsPerResourceLimit = awserr.Code{Name: "TagsPerResourceExceededLimitException", Status: http.StatusBadRequest}
	noDataRetention      = awserr.Code{Name: "NoDataRetentionException", Status: http.StatusBadRequest}
	edgeConfigNotFound   = awserr.Code{Name: "StreamEdgeConfigurationNotFoundException", Status: http.StatusNotFound}
	clientLimitExceeded  = awserr.Code{Name: "ClientLimitExceededException", Status: http.StatusBadRequest}
	// connectionLimit is GetMedia's answer past the concurrent sessions a
	// stream allows: AWS's model words it "the limit of allowed client
	// connections", where ClientLimitExceededException is of calls.
	connectionLimit = awserr.Code{Name: "ConnectionLimitExceededException", Status: http.StatusBadRequest}
	kindCodes       = map[video.Kind]awserr.Code{
		video.KindNotFound:            resourceNotFound,
		video.KindInUse:               resourceInUse,
		video.KindInvalidArgument:     invalidArgument,
		video.KindVersionMismatch:     versionMismatch,
		video.KindAccountStreamLimit:  accountStreamLimit,
		video.KindAccountChannelLimit: accountChannelLimit,
		video.KindTagsLimit:           tagsPerResourceLimit,
		video.KindNoDataRetention:     noDataRetention,
		video.KindEdgeNotFound:        edgeConfigNotFound,
		video.KindClientLimit:         clientLimitExceeded,
	}
)

// InvalidArgument is the code of a broken constraint (for the data plane's
// own checks).
var InvalidArgument = invalidArgument

// Wire maps a domain error to the AWS error the client sees.
func Wire(err error) error {
	if err == nil {
		return nil
	}
	var de *video.Error
	if errors.As(err, &de) {
		if code, ok := kindCodes[de.Kind]; ok {
			// The cause stays for a cluster node, which forwards a
			// request for a stream it has not heard of to the owner.
			return &awserr.Error{Code: code, Message: de.Msg, Cause: err}
		}
	}
	if msg, ok := storage.ClientMessage(err); ok {
		return &awserr.Error{Code: awserr.InternalFailure, Message: msg, Cause: err}
	}
	return awserr.Internal(err)
}

// Caller returns the domain caller of a request.
func Caller(ctx context.Context) video.Caller {
	c := awsproto.CallerFrom(ctx)
	return video.Caller{Account: c.AccountID, Region: c.Region}
}

// API serves the control plane.
type API struct {
	svc *video.Service
	rs  *awsproto.RESTService
}

// New returns the API with the 32 control-plane operations routed.
func New(svc *video.Service) *API {
	a := &API{svc: svc, rs: awsproto.NewRESTService(SigningName, invalidArgument)}
	// Calls over the per-key rate limit get the service's throttling
	// error. The JSON requests are small (the largest, a
	// GetMediaForFragmentList of 1,000 fragment numbers, is tens of KiB);
	// PutMedia's upload is not bounded by size.
	a.rs.ThrottleCode = clientLimitExceeded
	a.rs.MaxBodyBytes = 1 << 20
	for _, r := range []struct {
		path string
		op   *awsproto.Operation
	}{
		{"/createStream", awsproto.Op("CreateStream", createStreamInput, a.createStream)},
		{"/describeStream", awsproto.Op("DescribeStream", describeStreamInput, a.describeStream)},
		{"/listStreams", awsproto.Op("ListStreams", listStreamsInput, a.listStreams)},
		{"/deleteStream", awsproto.Op("DeleteStream", deleteStreamInput, a.deleteStream)},
		{"/updateStream", awsproto.Op("UpdateStream", updateStreamInput, a.updateStream)},
		{"/updateDataRetention", awsproto.Op("UpdateDataRetention", updateDataRetentionInput, a.updateDataRetention)},
		{"/getDataEndpoint", awsproto.Op("GetDataEndpoint", getDataEndpointInput, a.getDataEndpoint)},
		{"/describeStreamStorageConfiguration", awsproto.Op("DescribeStreamStorageConfiguration", describeStreamStorageInput, a.describeStreamStorage)},
		{"/updateStreamStorageConfiguration", awsproto.Op("UpdateStreamStorageConfiguration", updateStreamStorageInput, a.updateStreamStorage)},
		{"/tagStream", awsproto.Op("TagStream", tagStreamInput, a.tagStream)},
		{"/untagStream", awsproto.Op("UntagStream", untagStreamInput, a.untagStream)},
		{"/listTagsForStream", awsproto.Op("ListTagsForStream", listTagsForStreamInShape, a.listTagsForStream)},
		{"/TagResource", awsproto.Op("TagResource", tagResourceInput, a.tagResource)},
		{"/UntagResource", awsproto.Op("UntagResource", untagResourceInput, a.untagResource)},
		{"/ListTagsForResource", awsproto.Op("ListTagsForResource", listTagsForResourceInShape, a.listTagsForResource)},
		{"/describeImageGenerationConfiguration", awsproto.Op("DescribeImageGenerationConfiguration", describeImageGenerationInput, a.describeImageGeneration)},
		{"/updateImageGenerationConfiguration", awsproto.Op("UpdateImageGenerationConfiguration", updateImageGenerationInput, a.updateImageGeneration)},
		{"/describeNotificationConfiguration", awsproto.Op("DescribeNotificationConfiguration", describeNotificationInput, a.describeNotification)},
		{"/updateNotificationConfiguration", awsproto.Op("UpdateNotificationConfiguration", updateNotificationInput, a.updateNotification)},
		{"/describeMediaStorageConfiguration", awsproto.Op("DescribeMediaStorageConfiguration", describeMediaStorageInput, a.describeMediaStorage)},
		{"/updateMediaStorageConfiguration", awsproto.Op("UpdateMediaStorageConfiguration", updateMediaStorageInput, a.updateMediaStorage)},
		{"/describeMappedResourceConfiguration", awsproto.Op("DescribeMappedResourceConfiguration", describeMappedResourceInput, a.describeMappedResource)},
		{"/startEdgeConfigurationUpdate", awsproto.Op("StartEdgeConfigurationUpdate", startEdgeInput, a.startEdgeConfigurationUpdate)},
		{"/describeEdgeConfiguration", awsproto.Op("DescribeEdgeConfiguration", describeEdgeInput, a.describeEdgeConfiguration)},
		{"/deleteEdgeConfiguration", awsproto.Op("DeleteEdgeConfiguration", deleteEdgeInput, a.deleteEdgeConfiguration)},
		{"/listEdgeAgentConfigurations", awsproto.Op("ListEdgeAgentConfigurations", listEdgeAgentInShape, a.listEdgeAgentConfigurations)},
		{"/createSignalingChannel", awsproto.Op("CreateSignalingChannel", createSignalingChannelInput, a.createSignalingChannel)},
		{"/describeSignalingChannel", awsproto.Op("DescribeSignalingChannel", describeSignalingChannelIn, a.describeSignalingChannel)},
		{"/listSignalingChannels", awsproto.Op("ListSignalingChannels", listSignalingChannelsInput, a.listSignalingChannels)},
		{"/updateSignalingChannel", awsproto.Op("UpdateSignalingChannel", updateSignalingChannelInput, a.updateSignalingChannel)},
		{"/deleteSignalingChannel", awsproto.Op("DeleteSignalingChannel", deleteSignalingChannelInput, a.deleteSignalingChannel)},
		{"/getSignalingChannelEndpoint", awsproto.Op("GetSignalingChannelEndpoint", getSignalingChannelEndpointI, a.getSignalingChannelEndpoint)},
	} {
		a.rs.Handle(r.path, r.op)
	}
	return a
}

// Service is the REST-JSON service the server mounts. The data plane adds
// its routes to it before the server builds its handler: Handle for JSON
// operations (GetMedia is an awsproto.StreamOp: a JSON request, a streamed
// answer), HandleRaw for PutMedia's streaming body, which must not be read
// whole nor count against the body budget.
func (a *API) Service() *awsproto.RESTService { return a.rs }

// endpoint is the base URL handed out: the configured public URL, or the
// one the request came in on.
func endpoint(ctx context.Context, configured string) string {
	if configured != "" {
		return configured
	}
	return awsproto.CallerFrom(ctx).Endpoint
}

type empty struct{}

func ref(name, arn *string) video.Ref {
	return video.Ref{Name: deref(name), ARN: deref(arn)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
