// Package analytic holds the streaming table functions of Kinesis Data
// Analytics SQL that the reference files under "Analytic Functions" and
// "Machine Learning Functions", as exec.TableFuncs: the code calls them as
// TABLE(fn(CURSOR(SELECT STREAM ...), arg, ...)), and Funcs lends them to
// exec.Env.TableFuncs. Each is a reimplementation from AWS's reference and
// the published algorithms; none of AWS's code is used. Check validates
// their arguments in parsed code, as CreateApplication does.
//
// # The functions
//
// TOP_K_ITEMS_TUMBLING(cursor, 'columnName', K, windowSize): when each
// tumbling window of windowSize seconds (1 to 3,600) ends, up to K (1 to
// 100,000) rows of the column's most frequent values, most frequent first:
// the value, in a column named and typed as the cursor's, and its count,
// MOST_FREQUENT_VALUES BIGINT. Counting is a Space-Saving sketch of
// max(10,000, 2K) counters: while a window has no more distinct values
// than counters, the counts and the top K are exact (as a GROUP BY with
// ORDER BY would give); past that a count may overestimate by at most
// n/counters (n rows in the window), and every value seen more than that
// many times is kept. Equal counts come in the order of their values.
//
// COUNT_DISTINCT_ITEMS_TUMBLING(cursor, 'columnName', windowSize): when
// each tumbling window ends, one row, NUMBER_OF_DISTINCT_ITEMS BIGINT.
// Exact up to 10,000 distinct values in the window, as AWS's is; past that
// a HyperLogLog of 2^14 registers with Ertl's improved estimator: a
// relative standard error of 0.81% (AWS: "if there are 100,000 distinct
// items, the algorithm may return 99,700").
//
// Both windows are aligned to the epoch, as STEP's are, and come out with
// the window's end as ROWTIME, when a later row or the passing of time
// (Advance) reaches it; a window without rows emits nothing. NULL is not a
// value: it is neither counted nor listed. The column name is matched
// exactly, or else ignoring case when one column matches.
//
// HOTSPOTS(cursor, windowSize, scanRadius, minimumNumberOfPointsInAHotspot):
// for each row, the row and HOTSPOTS_RESULT, the dense regions of the
// numeric columns of the last windowSize (100 to 1,000) rows, this one
// included:
//
//	{"hotspots":[{"density":139.1,"minValues":[4.1,6.2],"maxValues":[5.0,7.1]}]}
//
// A hotspot is a DBSCAN cluster with ε = scanRadius (Euclidean distance)
// and minPts = minimumNumberOfPointsInAHotspot (2 to windowSize): core
// points have at least minPts points within scanRadius, themselves
// included; core points within scanRadius of each other share a hotspot
// with every point within scanRadius of one of them. minValues and
// maxValues bound its points in each numeric column; density is its number
// of points divided by its size, the product over the columns of (max -
// min + scanRadius) (the box of its points grown by half a radius on each
// side, so that points on a line still have a size). Hotspots come densest
// first; numbers are written as Java writes a double. A row with a NULL in a
// numeric column does not enter the window, and comes out with the hotspots
// as they are.
//
// RANDOM_CUT_FOREST(cursor, numberOfTrees, subSampleSize, timeDecay,
// shingleSize) and RANDOM_CUT_FOREST_WITH_EXPLANATION(..., shingleSize,
// withDirectionality): for each row, the row and ANOMALY_SCORE DOUBLE (and
// ANOMALY_EXPLANATION VARCHAR) from a random cut forest over the numeric
// columns (Guha, Mishra, Roy and Schrijvers, "Robust Random Cut Forest
// Based Anomaly Detection on Streams", ICML 2016). Parameters as the
// reference gives them, NULL or omitted meaning the default: numberOfTrees
// 1 to 1,000 (100), subSampleSize 10 to 1,000 (256) and less than
// timeDecay, timeDecay 1 to 2,147,483,647 (100,000), shingleSize 1 to 30
// (1), withDirectionality (FALSE); up to 30 numeric columns (TINYINT to
// BIGINT, REAL, DOUBLE; DECIMAL is not one, as in AWS).
//
//   - Each row's numeric values, with those of the shingleSize-1 rows
//     before it (a shingle), are a point. Each tree samples points with a
//     time-decayed reservoir (weight -i/timeDecay + log(-log u) for the
//     i-th point; the subSampleSize lightest stay) that also drops points
//     older than timeDecay points, and keeps a random cut tree of its
//     sample, updated by insertion and deletion as the paper describes.
//   - A point is scored before it is offered to the samplers. A tree's
//     score is the codisplacement-style measure AWS's forest computes: the
//     expected 1/(depth+1) at which the point would be cut off, averaged
//     along its path over each box's probability of separating it, times
//     log2(mass+1); the forest's is the trees' average. Typical points
//     score about 1, isolated ones several times that. The first
//     subSampleSize points (and the first shingleSize-1 rows) score 0,
//     as the reference says AWS's do while the model is trained.
//   - The explanation's ATTRIBUTION_SCORE of a column is its share of that
//     average: the part of each separating probability owed to the gap on
//     each side of the column, over the shingle's rows; the columns' shares
//     add up to the score. DIRECTION is HIGH when more of it comes from
//     the value being above the boxes than below, else LOW; STRENGTH is
//     the HIGH side less the LOW side in units of the column's usual
//     share (its mean over about the last subSampleSize scored rows), so
//     typical rows have strengths below 1 and outliers several (at most
//     100). Numbers are strings with four decimals, in the guide's layout:
//     {"Systolic":{"DIRECTION":"HIGH","STRENGTH":"0.8567","ATTRIBUTION_SCORE":"1.7447"}}.
//     Without withDirectionality only ATTRIBUTION_SCORE is given.
//   - A row with a NULL in a numeric column is neither scored nor learned:
//     its ANOMALY_SCORE and ANOMALY_EXPLANATION are NULL.
//   - The random draws come from a seed the runtime derives from the
//     application (SeedOf) mixed with the call, so that a run fed the same
//     rows gives the same scores on the same machine (an architecture
//     whose compiler fuses multiply-adds may differ in the last digits).
//
// # Where results differ from AWS's
//
//   - TOP_K_ITEMS_TUMBLING is exact wherever AWS's may be approximate
//     ("may return three of the five most traded stocks") up to 10,000
//     distinct values (2K when K is larger); past that both approximate,
//     differently.
//   - COUNT_DISTINCT_ITEMS_TUMBLING above 10,000 distinct values: a
//     different sketch and hash, so a different estimate of the same
//     accuracy.
//   - HOTSPOTS: AWS does not define "the hotspot size" nor the order of
//     hotspots, and says it "returns all potential hotspots": Sluice
//     returns DBSCAN's clusters only, with the size above, so densities
//     differ in scale from AWS's and a threshold tuned on AWS's densities
//     needs tuning again.
//   - RANDOM_CUT_FOREST: the same algorithm family and score scale, but
//     not AWS's random draws, so no score is the same number as AWS's:
//     outliers score far above a settled baseline near 1, as AWS's do.
//     STRENGTH is Sluice's own measure (AWS does not define its), on a
//     scale like the guide's examples'.
//   - AWS resets its models "infrequently" during service maintenance;
//     Sluice's forest lives as long as the application runs, and after a
//     crash is rebuilt from a replay (below).
//
// # Held, Next and replay
//
// The tumbling functions hold their open window: Held is its first row,
// Next its end, so the executor's LowWatermark does not pass a window's
// rows until it has come out, and a replay from it counts the same rows.
// HOTSPOTS holds its last windowSize points: Held is the oldest, and a
// replay from it refills the window with the same rows, so it gives the
// same results. RANDOM_CUT_FOREST's model depends on every row since the
// application started; Held is the oldest row a tree still samples (at
// most timeDecay points back, or Env.ReplayLimit), so a replay after a
// crash feeds a fresh forest the rows the old one held. That forest is not
// the old one: its samples and trees come from other draws, so the scores
// of rows after the crash are statistically alike but not equal to the
// ones a run without the crash would have given (and with fewer replayed
// rows than subSampleSize, the first rows after the crash score 0 while
// it learns, as AWS's do after maintenance).
//
// # Cost
//
// The tumbling functions cost a map look-up per row and memory per
// distinct value (at most their counters). HOTSPOTS costs a distance to
// each point of the window per row, and a scan of the core points'
// neighbour lists per row: linear in the number of neighbour pairs, which
// grows as the square of the window when scanRadius is large for the data.
// RANDOM_CUT_FOREST costs a root-to-leaf path per tree per row, plus an
// insertion and deletion in the trees whose sampler takes the point (all
// of them while the first subSampleSize points come, then fewer and fewer);
// trees cache their boxes unless that would take over 256 MiB.
package analytic
