"""Source of the real apps the probe tests run: one Gin program with four CORS setups, and a
Starlette app with Starlette's CORSMiddleware (served by uvicorn)."""

from __future__ import annotations

# MODE selects the CORS setup:
#   explicit   gin-contrib/cors with an explicit origin list and credentials
#   allowall   gin-contrib/cors with AllowAllOrigins + AllowCredentials (sends "*")
#   nooptions  hand-written middleware that sets headers but never answers OPTIONS
#   reflect    hand-written middleware that echoes any Origin with credentials, no Vary
GIN_CORS = '''package main

import (
	"net/http"
	"os"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

const metricsText = `# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{code="200"} 3
`

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	switch os.Getenv("MODE") {
	case "explicit":
		r.Use(cors.New(cors.Config{
			AllowOrigins:     []string{"https://app.example.com"},
			AllowMethods:     []string{"GET", "POST", "PUT"},
			AllowHeaders:     []string{"Content-Type"},
			AllowCredentials: true,
		}))
	case "allowall":
		r.Use(cors.New(cors.Config{
			AllowAllOrigins:  true,
			AllowMethods:     []string{"GET", "POST"},
			AllowHeaders:     []string{"Content-Type"},
			AllowCredentials: true,
		}))
	case "nooptions":
		r.Use(func(c *gin.Context) {
			c.Header("Access-Control-Allow-Origin", "https://app.example.com")
			c.Header("Access-Control-Allow-Headers", "Content-Type")
			c.Next()
		})
	case "reflect":
		r.Use(func(c *gin.Context) {
			if origin := c.GetHeader("Origin"); origin != "" {
				c.Header("Access-Control-Allow-Origin", origin)
				c.Header("Access-Control-Allow-Credentials", "true")
				c.Header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
				c.Header("Access-Control-Allow-Headers", "Content-Type")
			}
			if c.Request.Method == http.MethodOptions {
				c.AbortWithStatus(http.StatusNoContent)
				return
			}
			c.Next()
		})
	}
	r.GET("/api/orders", func(c *gin.Context) { c.JSON(http.StatusOK, []string{}) })
	r.POST("/api/orders", func(c *gin.Context) { c.JSON(http.StatusCreated, gin.H{}) })
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/metrics", func(c *gin.Context) {
		c.Data(http.StatusOK, "text/plain; version=0.0.4", []byte(metricsText))
	})
	r.GET("/spa-metrics", func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html", []byte("<!doctype html><div id=root></div>"))
	})
	r.Run(os.Getenv("ADDR"))
}
'''

STARLETTE_APP = '''
from prometheus_client import generate_latest, CollectorRegistry, Counter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

registry = CollectorRegistry()
served = Counter("app_requests", "Requests served.", registry=registry)


async def orders(request):
    served.inc()
    return JSONResponse([])


async def health(request):
    return PlainTextResponse("ok")


async def metrics(request):
    return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")


app = Starlette(
    routes=[Route("/api/orders", orders, methods=["GET", "PUT"]), Route("/health", health),
            Route("/metrics", metrics)],
    # Starlette's defaults: allow_methods=("GET",), no extra headers.
    middleware=[Middleware(CORSMiddleware, allow_origins=["https://app.example.com"])],
)
'''
