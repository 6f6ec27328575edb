package playback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"time"

	"sluice/internal/video/mkv"
)

// ErrNoFFmpeg is returned by Images.Decode when ffmpeg is not on PATH.
var ErrNoFFmpeg = errors.New("playback: GetImages needs ffmpeg to decode video frames, and ffmpeg is not on the server's PATH: " +
	"install it (Debian or Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; or `make test-ffmpeg`); " +
	"Sluice looks for it again at each call")

// Image formats.
const (
	JPEG = "JPEG"
	PNG  = "PNG"
)

// DefaultJPEGQuality is GetImages' JPEGQuality when none is given.
const DefaultJPEGQuality = 80

// ImageOptions are how GetImages asks its images.
type ImageOptions struct {
	Format  string // JPEG or PNG
	Quality int    // JPEGQuality, 1..100
	// Width and Height, when not 0: both stretch the picture to that size;
	// one alone keeps the picture's aspect ratio; neither keeps its size.
	Width, Height int
}

// Images decodes key frames to still images with ffmpeg, the only place
// Sluice decodes video: a frame is written as a one-frame Matroska
// document (the stream's header and a cluster of the frame) to ffmpeg's
// stdin, and the image read from its stdout. At most Parallel ffmpeg run
// at once.
type Images struct {
	sem     chan struct{}
	timeout time.Duration
	// lookPath finds ffmpeg (exec.LookPath; tests replace it).
	lookPath func(string) (string, error)
}

// NewImages returns an Images running at most parallel ffmpeg processes.
func NewImages(parallel int) *Images {
	return &Images{sem: make(chan struct{}, max(parallel, 1)), timeout: 20 * time.Second, lookPath: exec.LookPath}
}

// Available returns ErrNoFFmpeg when ffmpeg cannot be found.
func (im *Images) Available() error {
	if _, err := im.lookPath("ffmpeg"); err != nil {
		return ErrNoFFmpeg
	}
	return nil
}

// Decode returns the image of key frame fr (of the video track of h).
func (im *Images) Decode(ctx context.Context, h *mkv.Header, fr mkv.Frame, o ImageOptions) ([]byte, error) {
	path, err := im.lookPath("ffmpeg")
	if err != nil {
		return nil, ErrNoFFmpeg
	}
	select {
	case im.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-im.sem }()
	ctx, cancel := context.WithTimeout(ctx, im.timeout)
	defer cancel()

	fr.Timecode, fr.Duration, fr.Key = 0, 0, true
	doc := append(append([]byte(nil), h.Raw...), mkv.AppendCluster(nil, 0, []mkv.Frame{fr})...)
	cmd := exec.CommandContext(ctx, path, ffmpegArgs(o)...)
	cmd.Stdin = bytes.NewReader(doc)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("playback: ffmpeg: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	if out.Len() == 0 {
		return nil, fmt.Errorf("playback: ffmpeg decoded no picture: %s", bytes.TrimSpace(stderr.Bytes()))
	}
	return out.Bytes(), nil
}

// ffmpegArgs is the command line that decodes the one video frame and
// encodes it as o asks.
func ffmpegArgs(o ImageOptions) []string {
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-f", "matroska", "-i", "pipe:0",
		"-map", "0:v:0", "-frames:v", "1"}
	if o.Width > 0 || o.Height > 0 {
		w, h := o.Width, o.Height
		if w == 0 {
			w = -2
		}
		if h == 0 {
			h = -2
		}
		args = append(args, "-vf", fmt.Sprintf("scale=%d:%d", w, h))
	}
	if o.Format == PNG {
		args = append(args, "-c:v", "png")
	} else {
		q := o.Quality
		if q == 0 {
			q = DefaultJPEGQuality
		}
		// JPEGQuality 100 (best) … 1 (smallest) onto mjpeg's qscale 2 … 31.
		args = append(args, "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", strconv.Itoa(31-(q-1)*29/99))
	}
	return append(args, "-f", "image2pipe", "pipe:1")
}
