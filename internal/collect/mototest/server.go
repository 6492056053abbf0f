// Package mototest runs moto_server (the Python moto AWS emulator) for the
// collector's integration tests: one server per test package, started by
// TestMain, reset between tests, and seeded through the AWS SDK.
//
// Tests that need moto call Require. Without moto_server on PATH they are
// skipped with instructions, except under CI=true, where they fail.
package mototest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// InstallHint says how to get moto_server.
const InstallHint = "install moto with: pip install 'moto[server]==5.2.1'"

// Server is a running moto_server.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:PORT.
	URL string

	cmd  *exec.Cmd
	done chan struct{}
	log  *lockedBuffer
}

var (
	shared    *Server
	sharedErr error
)

// Main is TestMain for packages with moto integration tests: it starts one
// moto_server for the package (if moto_server is installed), runs the
// tests, stops the server, and returns the exit code for os.Exit.
func Main(m *testing.M) int {
	if _, err := exec.LookPath("moto_server"); err != nil {
		sharedErr = fmt.Errorf("moto_server not found on PATH: %s", InstallHint)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		shared, sharedErr = Start(ctx)
		cancel()
	}
	code := m.Run()
	if shared != nil {
		_ = shared.Stop()
	}
	return code
}

// Require returns the package's moto server, reset to an empty state. It
// skips the test when moto_server is not installed, and fails it under
// CI=true.
func Require(t testing.TB) *Server {
	t.Helper()
	s := Shared(t)
	if err := s.Reset(context.Background()); err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	return s
}

// Shared returns the package's moto server without resetting it, with the
// same skip and fail rules as Require.
func Shared(t testing.TB) *Server {
	t.Helper()
	if shared == nil {
		err := sharedErr
		if err == nil {
			err = errors.New("moto_server was not started: call mototest.Main from TestMain")
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto integration test cannot run under CI=true: %v", err)
		}
		t.Skipf("skipping moto integration test: %v", err)
	}
	return shared
}

// Start starts moto_server on a free loopback port with AWS managed
// policies loaded, and waits until it answers.
func Start(ctx context.Context) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	log := &lockedBuffer{}
	cmd.Stdout = log
	cmd.Stderr = log
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{}), log: log}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(s.URL + "/moto-api/")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("moto_server exited before answering: %s", s.log.tail(2000))
		case <-ctx.Done():
			_ = s.Stop()
			return nil, fmt.Errorf("moto_server did not answer on %s: %w", s.URL, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop ends the server process (only the process this package started).
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return nil
}

// Reset clears every emulated resource (POST /moto-api/reset).
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reset moto: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset moto: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Log returns the end of the server's output, for failing tests.
func (s *Server) Log() string { return s.log.tail(4000) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}

// UseCredentials points the AWS SDK's default chain at static test
// credentials only: environment keys, no shared config or credentials
// files, no profile, no endpoint override from the environment.
func UseCredentials(t testing.TB, keyID, secret string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", keyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", Region)
	t.Setenv("AWS_DEFAULT_REGION", Region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_DEFAULT_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	t.Setenv("AWS_RETRY_MODE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
