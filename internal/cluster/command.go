package cluster

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"sluice/internal/config"
)

// Main is `sluice cluster`: `sluice cluster status` prints the nodes, the
// owner and its lease, and the placement of streams, deliveries,
// applications and video streams, read from etcd.
func Main(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(stderr, "usage: sluice cluster status --cluster-etcd URLS [--cluster-prefix /sluice/] [--json]")
		return 2
	}
	fs := flag.NewFlagSet("sluice cluster status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := EtcdFlags(fs)
	asJSON := fs.Bool("json", false, "print the status as JSON (the shape of GET /cluster/status)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if c.Etcd == "" {
		fmt.Fprintln(stderr, "sluice cluster status: --cluster-etcd is required")
		return 2
	}
	cli, err := Connect(*c)
	if err != nil {
		fmt.Fprintln(stderr, "sluice cluster status:", err)
		return 1
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	st, err := ReadStatus(ctx, cli, c.Prefix)
	if err != nil {
		fmt.Fprintln(stderr, "sluice cluster status:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(st)
		return 0
	}
	PrintStatus(stdout, st)
	return 0
}

// EtcdFlags registers on fs the flags (and SLUICE_* env defaults) that
// say how an operator's command reaches a cluster's etcd, as the server's
// own: --cluster-etcd, --cluster-prefix, --etcd-ca, --etcd-cert, --etcd-key.
func EtcdFlags(fs *flag.FlagSet) *config.Cluster {
	c := &config.Cluster{Prefix: config.DefaultClusterPrefix}
	fs.StringVar(&c.Etcd, "cluster-etcd", os.Getenv(config.EnvName("cluster-etcd")), "etcd client URLs, comma-separated (env SLUICE_CLUSTER_ETCD)")
	fs.StringVar(&c.Prefix, "cluster-prefix", envOr("cluster-prefix", config.DefaultClusterPrefix), "etcd key prefix of the cluster")
	fs.StringVar(&c.EtcdCA, "etcd-ca", os.Getenv(config.EnvName("etcd-ca")), "PEM CA certificates for etcd's TLS")
	fs.StringVar(&c.EtcdCert, "etcd-cert", os.Getenv(config.EnvName("etcd-cert")), "PEM client certificate for etcd")
	fs.StringVar(&c.EtcdKey, "etcd-key", os.Getenv(config.EnvName("etcd-key")), "PEM private key of --etcd-cert")
	return c
}

func envOr(flagName, def string) string {
	if v := os.Getenv(config.EnvName(flagName)); v != "" {
		return v
	}
	return def
}

// PrintStatus writes st as tables.
func PrintStatus(w io.Writer, st Status) {
	if st.Owner == nil {
		fmt.Fprintf(w, "Cluster %s: no owner (an election is in progress, or no node runs)\n\n", st.Prefix)
	} else {
		fmt.Fprintf(w, "Cluster %s: owner %s (%s), lease %s, %ds left if it stops renewing, fence revision %d\n\n",
			st.Prefix, st.Owner.ID, st.Owner.Advertise, st.Owner.Lease, st.Owner.LeaseTTLSeconds, st.Owner.FenceRevision)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tADVERTISE\tROLE\tLEASE\tSTARTED")
	for _, n := range st.Nodes {
		role := "follower"
		if n.Owner {
			role = "owner"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n.ID, n.Advertise, role, n.Lease, n.Started.Format(time.RFC3339))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tSHARDS (OPEN)\tNODE")
	for _, p := range st.Placement {
		shards := ""
		if p.Kind == "stream" {
			shards = fmt.Sprintf("%d (%d)", p.Shards, p.Open)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Kind, p.Name, shards, p.Node)
	}
	tw.Flush()
}
