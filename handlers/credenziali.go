package handlers

import "github.com/gofiber/fiber/v2"

// Owned by the credentials work (activation, second factor, letters): to be written.

func (h *Handlers) attivazionePassoForm(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) attivazionePasso(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) codiceForm(c *fiber.Ctx) error           { return fiber.ErrNotImplemented }
func (h *Handlers) codice(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
func (h *Handlers) letteraAttivazione(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
func (h *Handlers) letteraOperatore(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
