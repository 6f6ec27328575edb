package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"sluice/internal/cluster"
	"sluice/internal/config"
	storagecluster "sluice/internal/storage/cluster"
)

// recoverCluster is `sluice recover --cluster-etcd ...`: the quarantined
// logs of a cluster are etcd keys beside their objects, listed and marked
// through etcd (package storage/cluster), so the cluster may keep serving.
func recoverCluster(ctx context.Context, c config.Cluster, restore []string, stdout, stderr io.Writer) int {
	if !strings.HasPrefix(c.Prefix, "/") || !strings.HasSuffix(c.Prefix, "/") {
		fmt.Fprintf(stderr, "sluice recover: --cluster-prefix %q must start and end with /, such as /sluice/\n", c.Prefix)
		return 2
	}
	cli, err := cluster.Connect(c)
	if err != nil {
		fmt.Fprintf(stderr, "sluice recover: %v\n", err)
		return 1
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	logs, err := storagecluster.ListQuarantined(ctx, cli, c.Prefix)
	if err != nil {
		fmt.Fprintf(stderr, "sluice recover: %v\n", err)
		return 1
	}
	if len(restore) == 0 {
		listCluster(stdout, c, logs)
		return 0
	}
	var restorable []string
	for _, q := range logs {
		if q.Manifest != nil {
			restorable = append(restorable, q.ID)
		}
	}
	mark := func(id string) error {
		err := storagecluster.MarkForRestore(ctx, cli, c.Prefix, id)
		if errors.Is(err, storagecluster.ErrNotQuarantined) {
			err = fmt.Errorf("no quarantined log %q in cluster %s", id, c.Prefix)
		}
		return err
	}
	return markEach(restore, restorable, mark, "when an owner next opens the store", stdout, stderr)
}

// listCluster prints a cluster's quarantined logs.
func listCluster(w io.Writer, c config.Cluster, logs []storagecluster.QuarantinedLog) {
	if len(logs) == 0 {
		fmt.Fprintf(w, "no quarantined logs in cluster %s\n", c.Prefix)
		return
	}
	rows := make([]quarantineRow, 0, len(logs))
	for _, q := range logs {
		rows = append(rows, quarantineRow{id: q.ID, m: q.Manifest, problem: q.Problem, parts: q.Objects, bytes: q.Bytes})
	}
	printQuarantined(w, "Quarantined logs in cluster "+c.Prefix, "OBJECTS", rows)
	fmt.Fprintf(w, "\nTo restore, run sluice recover --cluster-etcd %s --cluster-prefix %s --restore LOG (or --restore all),\n"+
		"then restart the owner node (sluice cluster status names it): the next owner restores them.\n", c.Etcd, c.Prefix)
}
