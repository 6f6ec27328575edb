package videoapi

// The stream operations: CreateStream, DescribeStream, ListStreams,
// DeleteStream, UpdateStream, UpdateDataRetention, GetDataEndpoint and the
// stream storage configuration. ResourceNotFoundException (404) for an
// unknown stream, ResourceInUseException for a name taken or a stream not
// ACTIVE, VersionMismatchException for a stale CurrentVersion,
// AccountStreamLimitExceededException past the account's streams,
// InvalidArgumentException for retention out of 0..87,600 hours.

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/video"
)

type streamInfo struct {
	DeviceName           string              `json:",omitempty"`
	StreamName           string              `json:",omitempty"`
	StreamARN            string              `json:",omitempty"`
	MediaType            string              `json:",omitempty"`
	KmsKeyId             string              `json:",omitempty"`
	Version              string              `json:",omitempty"`
	Status               string              `json:",omitempty"`
	CreationTime         *awsproto.Timestamp `json:",omitempty"`
	DataRetentionInHours int64
}

func infoOf(st *video.Stream) streamInfo {
	return streamInfo{
		DeviceName: st.DeviceName, StreamName: st.Name, StreamARN: st.ARN(), MediaType: st.MediaType, KmsKeyId: st.KmsKeyID,
		Version: st.Version, Status: st.Status, CreationTime: awsproto.TimeOf(st.Created), DataRetentionInHours: st.RetentionHours,
	}
}

type createStreamIn struct {
	DeviceName                 *string
	StreamName                 string
	MediaType                  *string
	KmsKeyId                   *string
	DataRetentionInHours       int64
	Tags                       map[string]string
	StreamStorageConfiguration *storageConfig
}

type storageConfig struct{ DefaultStorageTier string }

type arnOut struct {
	StreamARN string `json:",omitempty"`
}

func (a *API) createStream(ctx context.Context, in *createStreamIn) (*arnOut, error) {
	p := video.CreateStreamParams{
		Name: in.StreamName, DeviceName: deref(in.DeviceName), MediaType: deref(in.MediaType), KmsKeyID: deref(in.KmsKeyId),
		RetentionHours: in.DataRetentionInHours, Tags: in.Tags,
	}
	if in.StreamStorageConfiguration != nil {
		p.StorageTier = in.StreamStorageConfiguration.DefaultStorageTier
	}
	st, err := a.svc.CreateStream(ctx, Caller(ctx), p)
	if err != nil {
		return nil, Wire(err)
	}
	return &arnOut{StreamARN: st.ARN()}, nil
}

type streamRefIn struct {
	StreamName *string
	StreamARN  *string
}

func (a *API) describeStream(ctx context.Context, in *streamRefIn) (*struct{ StreamInfo streamInfo }, error) {
	st, err := a.svc.DescribeStream(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, Wire(err)
	}
	return &struct{ StreamInfo streamInfo }{infoOf(st)}, nil
}

type nameCondition struct {
	ComparisonOperator *string
	ComparisonValue    *string
}

type listStreamsIn struct {
	MaxResults          int64
	NextToken           *string
	StreamNameCondition *nameCondition
}

type listStreamsOut struct {
	StreamInfoList []streamInfo
	NextToken      string `json:",omitempty"`
}

func (a *API) listStreams(ctx context.Context, in *listStreamsIn) (*listStreamsOut, error) {
	p := video.ListStreamsParams{MaxResults: int(in.MaxResults), NextToken: deref(in.NextToken)}
	if c := in.StreamNameCondition; c != nil {
		p.Prefix = deref(c.ComparisonValue)
	}
	list, next, err := a.svc.ListStreams(Caller(ctx), p)
	if err != nil {
		return nil, Wire(err)
	}
	out := &listStreamsOut{StreamInfoList: make([]streamInfo, 0, len(list)), NextToken: next}
	for _, st := range list {
		out.StreamInfoList = append(out.StreamInfoList, infoOf(st))
	}
	return out, nil
}

type deleteStreamIn struct {
	StreamARN      string
	CurrentVersion *string
}

func (a *API) deleteStream(ctx context.Context, in *deleteStreamIn) (*empty, error) {
	return nil, Wire(a.svc.DeleteStream(ctx, Caller(ctx), in.StreamARN, deref(in.CurrentVersion)))
}

type updateStreamIn struct {
	StreamName     *string
	StreamARN      *string
	CurrentVersion string
	DeviceName     *string
	MediaType      *string
}

func (a *API) updateStream(ctx context.Context, in *updateStreamIn) (*empty, error) {
	return nil, Wire(a.svc.UpdateStream(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), in.CurrentVersion, deref(in.DeviceName), deref(in.MediaType)))
}

type updateDataRetentionIn struct {
	StreamName                 *string
	StreamARN                  *string
	CurrentVersion             string
	Operation                  string
	DataRetentionChangeInHours int64
}

func (a *API) updateDataRetention(ctx context.Context, in *updateDataRetentionIn) (*empty, error) {
	return nil, Wire(a.svc.UpdateDataRetention(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), in.CurrentVersion, in.Operation, in.DataRetentionChangeInHours))
}

type getDataEndpointIn struct {
	StreamName *string
	StreamARN  *string
	APIName    string
}

type getDataEndpointOut struct {
	DataEndpoint string
}

// getDataEndpoint answers Sluice's own base URL for every APIName.
func (a *API) getDataEndpoint(ctx context.Context, in *getDataEndpointIn) (*getDataEndpointOut, error) {
	url, err := a.svc.DataEndpoint(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, Wire(err)
	}
	return &getDataEndpointOut{DataEndpoint: endpoint(ctx, url)}, nil
}

type streamStorageOut struct {
	StreamName                 string
	StreamARN                  string
	StreamStorageConfiguration storageConfig
}

func (a *API) describeStreamStorage(ctx context.Context, in *streamRefIn) (*streamStorageOut, error) {
	st, err := a.svc.Stream(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, Wire(err)
	}
	return &streamStorageOut{StreamName: st.Name, StreamARN: st.ARN(), StreamStorageConfiguration: storageConfig{st.StorageTier}}, nil
}

type updateStreamStorageIn struct {
	StreamName                 *string
	StreamARN                  *string
	CurrentVersion             string
	StreamStorageConfiguration storageConfig
}

func (a *API) updateStreamStorage(ctx context.Context, in *updateStreamStorageIn) (*empty, error) {
	return nil, Wire(a.svc.UpdateStreamStorage(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), in.CurrentVersion, in.StreamStorageConfiguration.DefaultStorageTier))
}
