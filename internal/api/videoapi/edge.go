package videoapi

// The edge configuration operations: StartEdgeConfigurationUpdate (the
// EdgeConfig validated and stored; a stream without retention is
// NoDataRetentionException), DescribeEdgeConfiguration and
// DeleteEdgeConfiguration (StreamEdgeConfigurationNotFoundException, 404,
// when there is none), ListEdgeAgentConfigurations (by hub device, paged).
// There is no edge agent: a stored configuration is IN_SYNC at once.

import (
	"context"
	"encoding/json"

	"sluice/internal/awsproto"
	"sluice/internal/video"
)

type scheduleConfig struct {
	ScheduleExpression string
	DurationInSeconds  int64
}

type edgeConfig struct {
	HubDeviceArn   string
	RecorderConfig struct {
		MediaSourceConfig struct {
			MediaUriSecretArn string
			MediaUriType      string
		}
		ScheduleConfig *scheduleConfig `json:",omitempty"`
	}
	UploaderConfig *struct {
		ScheduleConfig scheduleConfig
	} `json:",omitempty"`
	DeletionConfig *struct {
		EdgeRetentionInHours int64 `json:",omitempty"`
		LocalSizeConfig      *struct {
			MaxLocalMediaSizeInMB int64  `json:",omitempty"`
			StrategyOnFullSize    string `json:",omitempty"`
		} `json:",omitempty"`
		DeleteAfterUpload *bool `json:",omitempty"`
	} `json:",omitempty"`
}

type edgeOut struct {
	StreamName          string
	StreamARN           string
	CreationTime        *awsproto.Timestamp `json:",omitempty"`
	LastUpdatedTime     *awsproto.Timestamp `json:",omitempty"`
	SyncStatus          string              `json:",omitempty"`
	FailedStatusDetails string              `json:",omitempty"`
	EdgeConfig          json.RawMessage     `json:",omitempty"`
}

func edgeOf(st *video.Stream) edgeOut {
	out := edgeOut{StreamName: st.Name, StreamARN: st.ARN()}
	if e := st.Edge; e != nil {
		out.CreationTime, out.LastUpdatedTime = awsproto.TimeOf(e.Created), awsproto.TimeOf(e.Updated)
		out.SyncStatus, out.EdgeConfig = e.SyncStatus, e.Config
	}
	return out
}

type startEdgeIn struct {
	StreamName *string
	StreamARN  *string
	EdgeConfig edgeConfig
}

func (a *API) startEdgeConfigurationUpdate(ctx context.Context, in *startEdgeIn) (*edgeOut, error) {
	raw, err := json.Marshal(in.EdgeConfig)
	if err != nil {
		return nil, err
	}
	st, err := a.svc.StartEdgeConfigurationUpdate(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN), in.EdgeConfig.HubDeviceArn, raw)
	if err != nil {
		return nil, Wire(err)
	}
	out := edgeOf(st)
	return &out, nil
}

// describeEdgeOut is edgeOut with the agent's status, which Sluice never
// has (there is no agent).
type describeEdgeOut struct {
	edgeOut
	EdgeAgentStatus *struct{} `json:",omitempty"`
}

func (a *API) describeEdgeConfiguration(ctx context.Context, in *streamRefIn) (*describeEdgeOut, error) {
	st, err := a.svc.EdgeConfiguration(Caller(ctx), ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, Wire(err)
	}
	return &describeEdgeOut{edgeOut: edgeOf(st)}, nil
}

func (a *API) deleteEdgeConfiguration(ctx context.Context, in *streamRefIn) (*empty, error) {
	return nil, Wire(a.svc.DeleteEdgeConfiguration(ctx, Caller(ctx), ref(in.StreamName, in.StreamARN)))
}

type listEdgeAgentIn struct {
	HubDeviceArn string
	MaxResults   int64
	NextToken    *string
}

type listEdgeAgentOut struct {
	EdgeConfigs []edgeOut
	NextToken   string `json:",omitempty"`
}

func (a *API) listEdgeAgentConfigurations(ctx context.Context, in *listEdgeAgentIn) (*listEdgeAgentOut, error) {
	list, next, err := a.svc.ListEdgeAgentConfigurations(Caller(ctx), in.HubDeviceArn, int(in.MaxResults), deref(in.NextToken))
	if err != nil {
		return nil, Wire(err)
	}
	out := &listEdgeAgentOut{EdgeConfigs: make([]edgeOut, 0, len(list)), NextToken: next}
	for _, st := range list {
		out.EdgeConfigs = append(out.EdgeConfigs, edgeOf(st))
	}
	return out, nil
}
