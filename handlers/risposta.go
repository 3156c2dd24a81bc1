package handlers

import "github.com/gofiber/fiber/v2"

// Owned by the applicant's answer work: to be written.

func (h *Handlers) rispostaIntegrazione(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
