package handlers

import "github.com/gofiber/fiber/v2"

// Owned by the account work (sessions, history, factors, operators' actions): to be written.

func (h *Handlers) sessioniAttive(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) terminaSessione(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) accessiRecenti(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) cambioPasswordForm(c *fiber.Ctx) error  { return fiber.ErrNotImplemented }
func (h *Handlers) cambioPassword(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) cambioTOTPForm(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) cambioTOTP(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) rinnovaSessione(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) accountOperatore(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) sospendiAccount(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) revocaAccount(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) resetTOTPAccount(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) riemettiAttivazione(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
