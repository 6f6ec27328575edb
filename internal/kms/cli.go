package kms

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// KeyFileName is the key file's name in the data directory.
const KeyFileName = "keys.json"

// DefaultKeyFile is where the key file is when --kms-key-file is not set.
func DefaultKeyFile(dataDir string) string { return filepath.Join(dataDir, KeyFileName) }

// Main is `sluice kms`: the operator's commands on the local key file.
//
//	sluice kms create-key [--alias alias/NAME] [--description TEXT]
//	sluice kms disable-key KEY
//	sluice kms enable-key KEY
//	sluice kms list-keys
//
// Each takes --key-file (or --data-dir), --account and --region (the
// server's settings and environment variables, SLUICE_KMS_KEY_FILE,
// SLUICE_DATA_DIR, SLUICE_ACCOUNT_ID, SLUICE_REGION, are the defaults). A
// running server sees the change at its next use of the key.
func Main(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return run(args, os.Getenv, stdout, stderr)
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintf(stderr, "Usage: sluice kms create-key|disable-key|enable-key|list-keys [flags] [KEY]\n\n"+
			"Manages the master keys of server-side encryption in the local key file (not those of a\n"+
			"--kms-endpoint). KEY is a key ID, key ARN, alias name (alias/NAME) or alias ARN.\n"+
			"Each command takes -h.\n")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd := args[0]
	fs := flag.NewFlagSet("sluice kms "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", or(getenv("SLUICE_DATA_DIR"), "./data"), "the server's data directory (the key file is keys.json in it)")
	keyFile := fs.String("key-file", getenv("SLUICE_KMS_KEY_FILE"), "the key file (default <data-dir>/keys.json)")
	account := fs.String("account", or(getenv("SLUICE_ACCOUNT_ID"), "000000000000"), "account of the key (and of a bare key ID or alias name)")
	region := fs.String("region", or(getenv("SLUICE_REGION"), "us-east-1"), "region of the key (and of a bare key ID or alias name)")
	var alias, description *string
	nargs := 1
	switch cmd {
	case "create-key":
		alias = fs.String("alias", "", "an alias for the key: alias/NAME")
		description = fs.String("description", "", "the key's description")
		nargs = 0
	case "list-keys":
		nargs = 0
	case "disable-key", "enable-key":
	default:
		fmt.Fprintf(stderr, "sluice kms: unknown command %q\n", cmd)
		usage()
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != nargs {
		fmt.Fprintf(stderr, "sluice kms %s: takes %d argument(s) (see sluice kms %s -h)\n", cmd, nargs, cmd)
		return 2
	}
	path := *keyFile
	if path == "" {
		path = DefaultKeyFile(*dataDir)
	}
	keys, err := OpenLocal(path, nil)
	if err != nil {
		fmt.Fprintf(stderr, "sluice kms: %v\n", err)
		return 1
	}
	scope := Scope{Account: *account, Region: *region}
	var key *Key
	switch cmd {
	case "create-key":
		key, err = keys.CreateKey(scope, *alias, *description)
	case "disable-key", "enable-key":
		state := StateDisabled
		if cmd == "enable-key" {
			state = StateEnabled
		}
		ref := fs.Arg(0)
		if r, perr := ParseRef(ref); perr == nil && r.Account != "" {
			scope = Scope{Account: r.Account, Region: r.Region}
		}
		key, err = keys.SetState(scope, ref, state)
	case "list-keys":
		return listKeys(keys, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice kms %s: %s\n", cmd, MessageOf(err))
		return 1
	}
	out := key.Info()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.Encode(map[string]any{"KeyMetadata": map[string]any{
		"KeyId": out.ID, "Arn": out.ARN, "AWSAccountId": key.Account, "KeyState": out.State, "Enabled": out.State == StateEnabled,
		"KeyManager": key.Manager, "Description": key.Description, "CreationDate": key.Created, "Aliases": key.Aliases,
		"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT",
	}, "KeyFile": path})
	return 0
}

func listKeys(keys *LocalKeys, stdout, stderr io.Writer) int {
	all, err := keys.Keys()
	if err != nil {
		fmt.Fprintf(stderr, "sluice kms list-keys: %v\n", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY ID\tACCOUNT\tREGION\tSTATE\tMANAGER\tALIASES")
	for _, k := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Account, k.Region, k.State, k.Manager, strings.Join(k.Aliases, ","))
	}
	tw.Flush()
	return 0
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
