package proposals

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"participe/internal/participe"
)

// allowed maps the sniffed MIME type of an attachment to the extensions its name may
// have. The type is read from the bytes (http.DetectContentType), never trusted from
// the browser, and the name must agree with it: a script renamed "photo.png" fails.
var allowed = map[string][]string{
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"application/pdf": {".pdf"},
}

type storedFile struct {
	name, mime, file string
	size             int64
}

// checkAttachment validates an uploaded file by size, sniffed type and extension.
func checkAttachment(name string, data []byte) (*storedFile, *participe.Error) {
	if len(data) > AttachmentMax {
		return nil, participe.FieldError("attachment", "proposals.error.attachment_size")
	}
	mime := http.DetectContentType(data)
	if i := strings.Index(mime, ";"); i >= 0 {
		mime = mime[:i]
	}
	exts, ok := allowed[mime]
	ext := strings.ToLower(filepath.Ext(name))
	if !ok || !contains(exts, ext) {
		return nil, participe.FieldError("attachment", "proposals.error.attachment_type")
	}
	base := NormalizeLine(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if r := []rune(base); len(r) > 120 {
		base = string(r[len(r)-120:])
	}
	return &storedFile{name: base, mime: mime, size: int64(len(data)), file: randomName() + exts[0]}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func randomName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// store writes the file under the upload directory (proposals/ sub-folder) before the
// database row refers to it; a crash in between leaves an orphan file, never a row
// pointing nowhere.
func (s *Service) store(f *storedFile, data []byte) error {
	dir := filepath.Join(s.uploadDir, "proposals")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("proposals: upload dir: %w", err)
	}
	tmp := filepath.Join(dir, f.file+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return fmt.Errorf("proposals: store attachment: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, f.file))
}

// AttachmentPath is where a stored attachment lives.
func AttachmentPath(uploadDir, file string) string {
	return filepath.Join(uploadDir, "proposals", filepath.Base(file))
}
