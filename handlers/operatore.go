package handlers

import "github.com/gofiber/fiber/v2"

// Owned by the review work (queue, review page, decisions): to be written.

func (h *Handlers) coda(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
func (h *Handlers) conteggi(c *fiber.Ctx) error           { return fiber.ErrNotImplemented }
func (h *Handlers) postaInUscita(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) revisione(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) documentoOperatore(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) prendiInCarico(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) salvaChecklist(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) approva(c *fiber.Ctx) error            { return fiber.ErrNotImplemented }
func (h *Handlers) respingi(c *fiber.Ctx) error           { return fiber.ErrNotImplemented }
func (h *Handlers) chiediIntegrazione(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
