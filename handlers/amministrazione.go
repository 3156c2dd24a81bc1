package handlers

import "github.com/gofiber/fiber/v2"

// Owned by the administration work: to be written.

func (h *Handlers) operatori(c *fiber.Ctx) error            { return fiber.ErrNotImplemented }
func (h *Handlers) creaOperatore(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) sospensioneOperatore(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) sedeForm(c *fiber.Ctx) error             { return fiber.ErrNotImplemented }
func (h *Handlers) salvaSede(c *fiber.Ctx) error            { return fiber.ErrNotImplemented }
func (h *Handlers) reinstrada(c *fiber.Ctx) error           { return fiber.ErrNotImplemented }
func (h *Handlers) registroAudit(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) attivazioneForm(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) attivazione(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) statistiche(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) statisticheCSV(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
