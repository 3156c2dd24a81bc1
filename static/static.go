// Package static serves the embedded front-end assets (vendored Bootstrap Italia
// and htmx, the application's CSS, JavaScript and images) under content-hashed URLs.
//
// Every file is addressed as /static/<hash>/<name>, where <hash> is the first ten
// hex digits of the SHA-256 of that file's content. The name keeps its directory,
// so a relative reference inside a stylesheet still resolves; in addition, the
// relative url(...) references of our stylesheets are rewritten at start-up to the
// referenced file's own hashed URL, so fonts and images are cached as immutable too
// and a changed font changes the hash of the stylesheet that points to it.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Licence files are embedded on purpose: the binary redistributes the vendored code.
//
//go:embed css js img vendor
var files embed.FS

const (
	prefix          = "/static/"
	hashLen         = 10
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
	spriteSheet     = "vendor/bootstrap-italia/svg/sprites.abilita.svg"
)

type asset struct {
	body        []byte
	hash        string
	etag        string
	contentType string
	compressi   *compressi // nil for files sent as they are
}

var (
	assets  = loadAssets()
	symbols = spriteSymbols(assets[spriteSheet].body)
)

// URL returns the content-hashed URL of the embedded file name, a path relative to
// this folder such as "css/app.css". It panics if there is no such file, so that a
// misspelt asset in a template fails the render tests instead of a page.
func URL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic(fmt.Sprintf("static: no asset %q", name))
	}
	return prefix + a.hash + "/" + name
}

// Sprite returns the URL of an icon of the Bootstrap Italia sprite sheet, for
// <svg class="icon"><use href="..."></use></svg>. The sheet holds only the
// icons the templates draw (bundle/icone.mjs): it panics on any other
// ("it-check", "it-user", …), so that a template drawing a new icon fails the
// render tests until bundle/genera.sh has run.
func Sprite(icon string) string {
	if _, ok := symbols[icon]; !ok {
		panic(fmt.Sprintf("static: no icon %q in %s: run static/bundle/genera.sh after drawing a new icon", icon, spriteSheet))
	}
	return URL(spriteSheet) + "#" + icon
}

// Handler serves the assets; mount it as app.Get("/static/*", static.Handler()).
// Fiber routes HEAD to it as well. A URL whose hash matches the file is cacheable
// forever; any other hash (a page rendered by an older or newer release during a
// deploy) still gets the current file, but must be revalidated.
func Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		hash, name, _ := strings.Cut(c.Params("*"), "/")
		a, ok := assets[name]
		if !ok {
			return fiber.ErrNotFound
		}
		body, encoding, etag := codifica(c, a)
		c.Set(fiber.HeaderContentType, a.contentType)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderETag, etag)
		c.Vary(fiber.HeaderAcceptEncoding)
		if encoding != "" {
			c.Set(fiber.HeaderContentEncoding, encoding)
		}
		if hash == a.hash {
			c.Set(fiber.HeaderCacheControl, cacheImmutable)
		} else {
			c.Set(fiber.HeaderCacheControl, cacheRevalidate)
		}
		if c.Get(fiber.HeaderIfNoneMatch) == etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		return c.Send(body)
	}
}

// cssURL matches url(...) in a stylesheet, quoted or not.
var cssURL = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)`)

// loadAssets reads and hashes every embedded file. Stylesheets come last, because
// their content (and so their hash) includes the hashed URLs of the files they
// reference.
func loadAssets() map[string]asset {
	var names []string
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, name)
		}
		return err
	})
	if err != nil {
		panic(err)
	}
	sort.SliceStable(names, func(i, j int) bool {
		return !isCSS(names[i]) && isCSS(names[j])
	})

	loaded := make(map[string]asset, len(names))
	for _, name := range names {
		body, err := files.ReadFile(name)
		if err != nil {
			panic(err)
		}
		if isCSS(name) {
			body = rewriteCSS(name, body, loaded)
		}
		sum := sha256.Sum256(body)
		loaded[name] = asset{
			body:        body,
			hash:        hex.EncodeToString(sum[:])[:hashLen],
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
			contentType: contentType(name),
			compressi:   nuoviCompressi(name, body),
		}
	}
	return loaded
}

func isCSS(name string) bool { return path.Ext(name) == ".css" }

// rewriteCSS replaces each relative url(...) that names a loaded file with that
// file's hashed URL, keeping any #fragment. Other references (data:, absolute,
// missing files) are left alone; the tests require every one to resolve.
func rewriteCSS(name string, body []byte, loaded map[string]asset) []byte {
	return cssURL.ReplaceAllFunc(body, func(match []byte) []byte {
		target, ok := resolve(name, string(match))
		if !ok {
			return match
		}
		file, fragment, _ := strings.Cut(target, "#")
		a, ok := loaded[file]
		if !ok {
			return match
		}
		u := prefix + a.hash + "/" + file
		if fragment != "" {
			u += "#" + fragment
		}
		return []byte(`url("` + u + `")`)
	})
}

// resolve returns the embedded name that a url(...) match inside the stylesheet
// cssName refers to, with any #fragment but without a ?query; ok is false for
// references that do not point into this folder (data:, http:, /absolute, …).
func resolve(cssName, match string) (target string, ok bool) {
	groups := cssURL.FindStringSubmatch(match)
	ref := groups[1] + groups[2] + groups[3]
	if ref == "" || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") || strings.Contains(ref, ":") {
		return "", false
	}
	ref, fragment, _ := strings.Cut(ref, "#")
	ref, _, _ = strings.Cut(ref, "?")
	target = path.Join(path.Dir(cssName), ref)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", false
	}
	if fragment != "" {
		target += "#" + fragment
	}
	return target, true
}

var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".woff2": "font/woff2",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".json":  "application/json",
	".md":    "text/plain; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	"":       "text/plain; charset=utf-8", // LICENSE
}

// contentType is a fixed table rather than mime.TypeByExtension, whose answers for
// fonts depend on the host's /etc/mime.types.
func contentType(name string) string {
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

var symbolID = regexp.MustCompile(`<symbol[^>]*\sid="([^"]+)"`)

func spriteSymbols(sheet []byte) map[string]struct{} {
	ids := make(map[string]struct{})
	for _, m := range symbolID.FindAllSubmatch(sheet, -1) {
		ids[string(m[1])] = struct{}{}
	}
	return ids
}
