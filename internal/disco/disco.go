// Package disco holds what several packages need of the file system.
package disco

import "os"

// SincronizzaCartella makes the renames and removals in dir durable (fsync of
// the folder).
func SincronizzaCartella(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
