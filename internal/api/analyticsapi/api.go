package analyticsapi

import (
	"context"
	"errors"
	"net/http"

	"sluice/internal/analytics"
	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/storage"
)

// Target prefixes of the two APIs and their common SigV4 signing name.
const (
	TargetPrefixV1 = "KinesisAnalytics_20150814"
	TargetPrefixV2 = "KinesisAnalytics_20180523"
	SigningName    = "kinesisanalytics"
)

// API serves the operations of both versions on one domain service.
type API struct {
	svc *analytics.Service
}

// New returns the v1 and v2 service descriptions.
func New(svc *analytics.Service) (v1, v2 *awsproto.Service) {
	a := &API{svc: svc}
	return a.v1(), a.v2()
}

func (a *API) v1() *awsproto.Service {
	return awsproto.NewService(TargetPrefixV1, SigningName,
		awsproto.Op("CreateApplication", createInputV1, a.createV1),
		awsproto.Op("DescribeApplication", describeInputV1, a.describeV1),
		awsproto.Op("ListApplications", listInputV1, a.listV1),
		awsproto.Op("UpdateApplication", updateInputV1, a.updateV1),
		awsproto.Op("DeleteApplication", deleteInput, a.deleteV1),
		awsproto.Op("AddApplicationInput", addInputInputV1, a.addInputV1),
		awsproto.Op("AddApplicationInputProcessingConfiguration", addProcessingInputV1, a.addProcessingV1),
		awsproto.Op("DeleteApplicationInputProcessingConfiguration", deleteProcessingInputV1, a.deleteProcessingV1),
		awsproto.Op("AddApplicationOutput", addOutputInputV1, a.addOutputV1),
		awsproto.Op("DeleteApplicationOutput", deleteOutputInputV1, a.deleteOutputV1),
		awsproto.Op("AddApplicationReferenceDataSource", addReferenceInputV1, a.addReferenceV1),
		awsproto.Op("DeleteApplicationReferenceDataSource", deleteReferenceInputV1, a.deleteReferenceV1),
		awsproto.Op("AddApplicationCloudWatchLoggingOption", addLoggingInputV1, a.addLoggingV1),
		awsproto.Op("DeleteApplicationCloudWatchLoggingOption", deleteLoggingInputV1, a.deleteLoggingV1),
		awsproto.Op("TagResource", tagInputV1, a.tagV1),
		awsproto.Op("UntagResource", untagInputV1, a.untagV1),
		awsproto.Op("ListTagsForResource", listTagsInputV1, a.listTagsV1),
		awsproto.Op("StartApplication", startInputV1, a.startV1),
		awsproto.Op("StopApplication", stopInputV1, a.stopV1),
		awsproto.Op("DiscoverInputSchema", discoverInputV1, a.discoverV1),
	)
}

func (a *API) v2() *awsproto.Service {
	return awsproto.NewService(TargetPrefixV2, SigningName,
		awsproto.Op("CreateApplication", createInputV2, a.createV2),
		awsproto.Op("DescribeApplication", describeInputV2, a.describeV2),
		awsproto.Op("ListApplications", listInputV2, a.listV2),
		awsproto.Op("UpdateApplication", updateInputV2, a.updateV2),
		awsproto.Op("DeleteApplication", deleteInput, a.deleteV2),
		awsproto.Op("AddApplicationInput", addInputInputV2, a.addInputV2),
		awsproto.Op("AddApplicationInputProcessingConfiguration", addProcessingInputV2, a.addProcessingV2),
		awsproto.Op("DeleteApplicationInputProcessingConfiguration", deleteProcessingInputV2, a.deleteProcessingV2),
		awsproto.Op("AddApplicationOutput", addOutputInputV2, a.addOutputV2),
		awsproto.Op("DeleteApplicationOutput", deleteOutputInputV2, a.deleteOutputV2),
		awsproto.Op("AddApplicationReferenceDataSource", addReferenceInputV2, a.addReferenceV2),
		awsproto.Op("DeleteApplicationReferenceDataSource", deleteReferenceInputV2, a.deleteReferenceV2),
		awsproto.Op("AddApplicationCloudWatchLoggingOption", addLoggingInputV2, a.addLoggingV2),
		awsproto.Op("DeleteApplicationCloudWatchLoggingOption", deleteLoggingInputV2, a.deleteLoggingV2),
		awsproto.Op("TagResource", tagInputV2, a.tagV2),
		awsproto.Op("UntagResource", untagInputV2, a.untagV2),
		awsproto.Op("ListTagsForResource", listTagsInputV2, a.listTagsV2),
		awsproto.Op("StartApplication", startInputV2, a.startV2),
		awsproto.Op("StopApplication", stopInputV2, a.stopV2),
		awsproto.Op("DiscoverInputSchema", discoverInputV2, a.discoverV2),
		awsproto.Op("DescribeApplicationVersion", describeVersionInput, a.describeVersion),
		awsproto.Op("ListApplicationVersions", listVersionsInput, a.listVersions),
		awsproto.Op("RollbackApplication", rollbackInput, a.rollback),
		awsproto.Op("CreateApplicationSnapshot", createSnapshotInput, a.createSnapshot),
		awsproto.Op("DeleteApplicationSnapshot", deleteSnapshotInput, a.deleteSnapshot),
		awsproto.Op("DescribeApplicationSnapshot", describeSnapshotInput, a.describeSnapshot),
		awsproto.Op("ListApplicationSnapshots", listSnapshotsInput, a.listSnapshots),
		awsproto.Op("AddApplicationVpcConfiguration", addVpcInput, a.addVpc),
		awsproto.Op("DeleteApplicationVpcConfiguration", deleteVpcInput, a.deleteVpc),
		awsproto.Op("CreateApplicationPresignedUrl", presignedURLInput, a.presignedURL),
		awsproto.Op("DescribeApplicationOperation", describeOperationInput, a.describeOperation),
		awsproto.Op("ListApplicationOperations", listOperationsInput, a.listOperations),
		awsproto.Op("UpdateApplicationMaintenanceConfiguration", maintenanceInput, a.maintenance),
	)
}

func caller(ctx context.Context) analytics.Caller {
	c := awsproto.CallerFrom(ctx)
	return analytics.Caller{Account: c.AccountID, Region: c.Region}
}

type empty struct{}

// The modelled errors of the two APIs. Most v2 errors spell their message
// member "Message" (v1's, and v2's TooManyTagsException, "message").
var (
	codeValidation       = awserr.Code{Name: "CodeValidationException", Status: http.StatusBadRequest}
	concurrentMod        = awserr.Code{Name: "ConcurrentModificationException", Status: http.StatusBadRequest}
	unsupported          = awserr.Code{Name: "UnsupportedOperationException", Status: http.StatusBadRequest}
	tooManyTags          = awserr.Code{Name: "TooManyTagsException", Status: http.StatusBadRequest}
	invalidConfiguration = awserr.Code{Name: "InvalidApplicationConfigurationException", Status: http.StatusBadRequest}
	unableToDetect       = awserr.Code{Name: "UnableToDetectSchemaException", Status: http.StatusBadRequest}
	throughputExceeded   = awserr.Code{Name: "ResourceProvisionedThroughputExceededException", Status: http.StatusBadRequest}
	// ServiceUnavailableException is a 500 in Data Analytics (503 in Data
	// Streams).
	serviceUnavailable = awserr.Code{Name: "ServiceUnavailableException", Status: http.StatusInternalServerError}
)

var kindCodes = map[analytics.Kind]awserr.Code{
	analytics.KindNotFound:               awserr.ResourceNotFoundException,
	analytics.KindInUse:                  awserr.ResourceInUseException,
	analytics.KindInvalidArgument:        awserr.InvalidArgumentException,
	analytics.KindLimitExceeded:          awserr.LimitExceededException,
	analytics.KindConcurrentModification: concurrentMod,
	analytics.KindCodeValidation:         codeValidation,
	analytics.KindUnsupported:            unsupported,
	analytics.KindTooManyTags:            tooManyTags,
	analytics.KindInvalidConfiguration:   invalidConfiguration,
	analytics.KindUnableToDetectSchema:   unableToDetect,
	analytics.KindThroughputExceeded:     throughputExceeded,
	analytics.KindServiceUnavailable:     serviceUnavailable,
}

// wireV1 maps a domain error to the AWS error a v1 client sees.
func wireV1(err error) error { return wire(err, false) }

// wireV2 maps a domain error to the AWS error a v2 client sees.
func wireV2(err error) error { return wire(err, true) }

func wire(err error, v2 bool) error {
	if err == nil {
		return nil
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	var de *analytics.Error
	if errors.As(err, &de) {
		if code, ok := kindCodes[de.Kind]; ok {
			code.CapitalMessage = v2 && de.Kind != analytics.KindTooManyTags
			// The cause stays for a cluster node, which forwards a
			// request for an application it has not heard of to the
			// owner.
			e := &awserr.Error{Code: code, Message: de.Msg, Cause: err}
			if de.Kind == analytics.KindUnableToDetectSchema && (de.Raw != nil || de.Processed != nil) {
				e.Members = map[string]any{"RawInputRecords": de.Raw}
				if de.Processed != nil {
					e.Members["ProcessedInputRecords"] = de.Processed
				}
			}
			return e
		}
	}
	if msg, ok := storage.ClientMessage(err); ok {
		return &awserr.Error{Code: awserr.InternalFailure, Message: msg, Cause: err}
	}
	return awserr.Internal(err)
}
