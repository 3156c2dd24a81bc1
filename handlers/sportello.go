package handlers

import "github.com/gofiber/fiber/v2"

// Owned by the counter work (path A, Precompila): to be written.

func (h *Handlers) precompilaForm(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) precompila(c *fiber.Ctx) error              { return fiber.ErrNotImplemented }
func (h *Handlers) precompilataPDF(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) sportello(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
func (h *Handlers) nuovaRichiestaSportello(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
