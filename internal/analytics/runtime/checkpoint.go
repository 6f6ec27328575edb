package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"sluice/internal/analytics"
	"sluice/internal/storage"
)

// Checkpoints live in the metadata store under analytics.CheckpointPrefix
// (the control plane deletes them with the application), written in one
// transaction every commit interval and when the application stops:
//
//	<prefix>state                      checkpointState: the run's start time, each output's mark
//	<prefix>input/<input ID>/<source>  checkpointInput: each shard's replay position
//
// <source> is the Sluice ID of the stream or delivery stream read, so that
// positions are never taken for another source (an input whose source
// changed, or a stream deleted and created again under the same name).
// Values are JSON with a version; a later version adds fields.

const checkpointVersion = 1

// checkpointState is an application's state across runs.
type checkpointState struct {
	Version int `json:"version"`
	// Start is the start time of the run (Unix ms) that a start from
	// LAST_STOPPED_POINT continues: CURRENT_TIMESTAMP and its kin keep
	// their values across a replay.
	Start int64 `json:"start"`
	// AppVersion is the application version (ApplicationVersionId) the
	// checkpoint was made under.
	AppVersion int64 `json:"appVersion,omitempty"`
	// Outputs are how far each output (by ID) was delivered.
	Outputs map[string]outputMark `json:"outputs,omitempty"`
}

// outputMark is how far an output was delivered: every row of its stream
// with a ROWTIME before T, and N rows at T whose row hashes sum to Sum. R
// is the replay point of the rows at T (see the package doc, "Recovery").
type outputMark struct {
	T   int64  `json:"t"`
	N   int64  `json:"n"`
	Sum uint64 `json:"sum,omitempty"`
	R   int64  `json:"r"`
}

// checkpointInput is an input's replay positions in one source.
type checkpointInput struct {
	Version int    `json:"version"`
	ARN     string `json:"arn"`
	// Shards are the positions by shard index (0 for a delivery stream).
	Shards map[uint32]position `json:"shards"`
}

func stateKey(a *analytics.Application) string { return analytics.CheckpointPrefix(a) + "state" }

func inputPrefix(a *analytics.Application, inputID string) string {
	return analytics.CheckpointPrefix(a) + "input/" + inputID + "/"
}

// loadState reads an application's state; nil when it has none.
func loadState(ctx context.Context, meta storage.MetaStore, a *analytics.Application) (*checkpointState, error) {
	b, err := meta.Get(ctx, stateKey(a))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st := new(checkpointState)
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("checkpoint of application %s is damaged: %w", a.Name, err)
	}
	if st.Version > checkpointVersion {
		return nil, fmt.Errorf("checkpoint of application %s has version %d, newer than this Sluice's %d", a.Name, st.Version, checkpointVersion)
	}
	return st, nil
}

// loadInput reads an input's positions in the source source; nil when
// there are none.
func loadInput(ctx context.Context, meta storage.MetaStore, a *analytics.Application, inputID, source string) (*checkpointInput, error) {
	b, err := meta.Get(ctx, inputPrefix(a, inputID)+source)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	in := new(checkpointInput)
	if err := json.Unmarshal(b, in); err != nil {
		return nil, fmt.Errorf("checkpoint of application %s, input %s is damaged: %w", a.Name, inputID, err)
	}
	if in.Version > checkpointVersion {
		return nil, fmt.Errorf("checkpoint of application %s, input %s has version %d, newer than this Sluice's %d", a.Name, inputID, in.Version, checkpointVersion)
	}
	return in, nil
}

// saveCheckpoint writes the state and an input's positions in one
// transaction; with clean, it also deletes the input's positions in other
// sources (they can never be used again: a changed source starts from
// NOW).
func saveCheckpoint(ctx context.Context, meta storage.MetaStore, a *analytics.Application, st *checkpointState, inputID, source string, in *checkpointInput, clean bool) error {
	sb, err := json.Marshal(st)
	if err != nil {
		return err
	}
	ib, err := json.Marshal(in)
	if err != nil {
		return err
	}
	prefix := inputPrefix(a, inputID)
	var stale []string
	if clean {
		if err := meta.Scan(ctx, prefix, func(key string, _ []byte) error {
			if rest := strings.TrimPrefix(key, prefix); rest != source {
				stale = append(stale, key)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return meta.Update(ctx, func(tx storage.MetaTx) error {
		for _, k := range stale {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		if err := tx.Put(stateKey(a), sb); err != nil {
			return err
		}
		return tx.Put(prefix+source, ib)
	})
}
