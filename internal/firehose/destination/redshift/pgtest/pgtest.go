// Package pgtest starts a real PostgreSQL server for tests: Debian's
// binaries (/usr/lib/postgresql/<version>/bin), a cluster of its own in a
// temporary directory, listening on 127.0.0.1 at a free port, with a
// database named "sluice". Tests share one server per test binary through
// Shared, started on first use and stopped in TestMain.
//
// Authentication: the superuser "postgres" is trusted; any other role
// must give its password (scram-sha-256), so that tests can check
// authentication failures.
//
// When no PostgreSQL is installed the tests fail with ErrMissing: `make
// test-postgres` installs it. initdb and postgres refuse to run as root;
// when the tests run as root, both run as the "postgres" user that
// Debian's package creates, with the temporary directory handed to it.
//
// # Why hand-written
//
// Packages that download PostgreSQL binaries at test time (embedded
// postgres) fetch from the network; this package uses the distribution's
// server, which `make test-postgres` installs, and takes a few dozen lines.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrMissing is returned when no PostgreSQL server binaries are found.
var ErrMissing = errors.New("PostgreSQL is missing: `make test-postgres` installs it (apt-get install -y postgresql)")

// Names of the cluster's superuser and of the database Start creates.
const (
	Superuser = "postgres"
	Database  = "sluice"
)

// Server is a running PostgreSQL cluster.
type Server struct {
	Host string // 127.0.0.1
	Port int
	Dir  string // the temporary directory: data/, the socket, postgres.log

	cmd  *exec.Cmd
	done chan struct{}
}

// Shared is a server started by the first test that needs it and
// stopped by Main, so that a test binary starts at most one server and
// tests that need none (fuzz targets among them) start none.
//
//	var pg pgtest.Shared
//	func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }
//	func TestLoad(t *testing.T) { srv := pg.Get(t); ... }
type Shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Get returns the shared server, starting it on first use. When it cannot
// start (ErrMissing among the reasons) the test fails.
func (s *Shared) Get(t testing.TB) *Server {
	t.Helper()
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s.srv, s.err = Start(ctx)
	})
	if s.err != nil {
		t.Fatalf("pgtest: %v", s.err)
	}
	return s.srv
}

// Main runs the tests and stops the server if one started; its result is
// the exit code for os.Exit.
func (s *Shared) Main(m *testing.M) int {
	code := m.Run()
	if s.srv != nil {
		if err := s.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stopping PostgreSQL:", err)
		}
	}
	return code
}

// BinDir returns the directory holding initdb and postgres: the newest
// /usr/lib/postgresql/<version>/bin, or $SLUICE_POSTGRES_BIN when set.
func BinDir() (string, error) {
	if d := os.Getenv("SLUICE_POSTGRES_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err != nil {
			return "", fmt.Errorf("SLUICE_POSTGRES_BIN=%s: %w", d, err)
		}
		return d, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(matches) == 0 {
		return "", ErrMissing
	}
	version := func(p string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(p))), 64)
		return v
	}
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	return filepath.Dir(matches[0]), nil
}

// Start initialises a cluster in a new temporary directory, starts it and
// creates the database Database.
func Start(ctx context.Context) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sluice-pg-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if err := chown(dir, cred); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", Superuser,
		"-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	initdb.Dir = dir
	setCred(initdb, cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	hba := "local all all trust\n" +
		"host all " + Superuser + " 127.0.0.1/32 trust\n" +
		"host all all 127.0.0.1/32 scram-sha-256\n"
	hbaPath := filepath.Join(data, "pg_hba.conf")
	if err := os.WriteFile(hbaPath, []byte(hba), 0o600); err != nil {
		return nil, err
	}
	if err := chown(hbaPath, cred); err != nil {
		return nil, err
	}
	var lastErr error
	for range 5 {
		s, err := launch(ctx, bin, dir, cred)
		if err == nil {
			if err = s.createDatabase(ctx); err == nil {
				ok = true
				return s, nil
			}
			s.Stop()
			return nil, err
		}
		lastErr = err
		if ctx.Err() != nil || !strings.Contains(err.Error(), "could not bind") && !strings.Contains(err.Error(), "already in use") {
			break
		}
	}
	return nil, lastErr
}

// launch starts postgres on a free port and waits until it accepts
// connections.
func launch(ctx context.Context, bin, dir string, cred *syscall.Credential) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "postgres.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"),
		"-k", dir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=50", "-c", "shared_buffers=16MB")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	setCred(cmd, cred)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Server{Host: "127.0.0.1", Port: port, Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := s.Connect(ctx, "postgres")
		if err == nil {
			c.Close(ctx)
			return s, nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited: %s", bytes.TrimSpace(log))
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("postgres did not accept connections within 60s: %v", err)
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) createDatabase(ctx context.Context) error {
	c, err := s.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "CREATE DATABASE "+Database)
	return err
}

// Stop shuts the server down (fast shutdown, then a kill after 10 s) and
// removes its directory.
func (s *Server) Stop() error {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	return os.RemoveAll(s.Dir)
}

// ConnString is a connection string for user (password may be empty) to
// database db over TCP.
func (s *Server) ConnString(user, password, db string) string {
	cs := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", s.Host, s.Port, user, db)
	if password != "" {
		cs += " password='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(password) + "'"
	}
	return cs
}

// JDBCURL is a jdbc:postgresql:// URL of database db.
func (s *Server) JDBCURL(db string) string {
	return fmt.Sprintf("jdbc:postgresql://%s:%d/%s", s.Host, s.Port, db)
}

// Connect connects as the superuser to database db.
func (s *Server) Connect(ctx context.Context, db string) (*pgx.Conn, error) {
	return pgx.Connect(ctx, s.ConnString(Superuser, "", db))
}

// Exec runs sql as the superuser in Database.
func (s *Server) Exec(ctx context.Context, sql string, args ...any) error {
	c, err := s.Connect(ctx, Database)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql, args...)
	return err
}

// runAs returns the credentials of the postgres user when running as
// root, nil otherwise.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and initdb refuses to run as root: there is no postgres user to run it as (Debian's postgresql package creates it; `make test-postgres` installs it), or run the tests as another user")
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("postgres user: uid %q gid %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func chown(path string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return os.Chown(path, int(cred.Uid), int(cred.Gid))
}
