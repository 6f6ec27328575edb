//go:build !unix

package kms

import "io/fs"

func stampOf(info fs.FileInfo) fileStamp {
	return fileStamp{size: info.Size(), mtime: info.ModTime()}
}
