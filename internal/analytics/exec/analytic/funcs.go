package analytic

import "sluice/internal/analytics/exec"

// The functions' names, as code calls them.
const (
	NameTopK               = "TOP_K_ITEMS_TUMBLING"
	NameCountDistinct      = "COUNT_DISTINCT_ITEMS_TUMBLING"
	NameHotspots           = "HOTSPOTS"
	NameRandomCutForest    = "RANDOM_CUT_FOREST"
	NameRandomCutForestExp = "RANDOM_CUT_FOREST_WITH_EXPLANATION"
)

// Funcs returns the package's table functions by name, for
// exec.Env.TableFuncs. seed drives RANDOM_CUT_FOREST's random draws: the
// runtime derives it from the application (SeedOf), so that a run and its
// replays draw the same numbers for the same rows.
func Funcs(seed uint64) map[string]exec.TableFunc {
	return map[string]exec.TableFunc{
		NameTopK:               topK{},
		NameCountDistinct:      countDistinct{},
		NameHotspots:           hotspots{},
		NameRandomCutForest:    rcf{seed: seed},
		NameRandomCutForestExp: rcf{seed: seed, explain: true},
	}
}

// SeedOf derives a seed from text that names an application (its ARN and
// ID, say).
func SeedOf(s string) uint64 { return hash64([]byte(s)) }

// signatureOf returns a function's arguments after the cursor and the
// check between them, if any; nil for a name that is not this package's.
func signatureOf(name string) (*signature, func(bound) error) {
	switch name {
	case NameTopK:
		return &topKSignature, nil
	case NameCountDistinct:
		return &countDistinctSignature, nil
	case NameHotspots:
		return &hotspotsSignature, hotspotsCross
	case NameRandomCutForest:
		return &rcfSignature, rcfCross
	case NameRandomCutForestExp:
		return &rcfExplainSignature, rcfCross
	}
	return nil, nil
}
